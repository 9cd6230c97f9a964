#include "checks.hpp"

namespace bg::gen {

void check_parameters(const Task& task, std::vector<Diagnostic>& out) {
  for (const auto& p : task.params) {
    const std::string what = "[[bg::task]] '" + task.function + "' parameter '" + p.name + "' ";
    auto report = [&](const std::string& message) { out.push_back({p.pos, what + message, {}}); };
    switch (p.dangling) {
      case Dangling::string_view:
        report("is " + p.stored_type + ", which dangles after the caller returns; take std::string");
        continue;
      case Dangling::span:
        report("is " + p.stored_type + ", which dangles after the caller returns; take a std::vector");
        continue;
      case Dangling::raw_pointer:
        report("is a raw pointer ('" + p.declared_type +
               "'), which may dangle after the caller returns; take the value (std::string for text), or "
               "std::unique_ptr or std::shared_ptr to share ownership");
        continue;
      case Dangling::none:
        break;
    }
    if (p.passing == Passing::mutable_lvalue) {
      report("is a non-const lvalue reference ('" + p.declared_type +
             "'): the task runs after the caller returns, on its own copy; take '" + p.stored_type +
             "' by value or by const reference");
      continue;
    }
    if (!p.movable) {
      report("has type '" + p.stored_type +
             "', which cannot be moved into the queued task; take a movable type (for example "
             "std::unique_ptr<" + p.stored_type + ">)");
      continue;
    }
    if (!p.type_in_source_file.empty()) {
      report("names '" + p.type_in_source_file +
             "', which is declared in a source file, so the generated header cannot name it; declare it in "
             "a header that the source includes");
    }
  }
}

}  // namespace bg::gen
