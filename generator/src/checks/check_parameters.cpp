#include "checks.hpp"

namespace bg::gen {

void check_parameters(const Task& task, std::vector<Diagnostic>& out) {
  for (const auto& p : task.params) {
    const std::string what = "[[bg::task]] '" + task.function + "' parameter '" + p.name + "' ";
    auto report = [&](const std::string& message) { out.push_back({p.pos, what + message, {}}); };
    if (p.dangling != Dangling::none) {
      // The parameter itself, or a type it holds (path outer first).
      std::string where;
      for (auto it = p.dangling_path.rbegin(); it != p.dangling_path.rend(); ++it) where += " inside " + *it;
      const bool top = p.dangling_path.empty();
      const std::string is = top ? "is " : "holds ";
      const std::string fix = top ? "; take " : "; store ";
      switch (p.dangling) {
        case Dangling::string_view:
          report(is + p.dangling_type + where + ", which dangles after the caller returns" + fix + "std::string");
          break;
        case Dangling::span:
          report(is + p.dangling_type + where + ", which dangles after the caller returns" + fix + "a std::vector");
          break;
        case Dangling::raw_pointer:
          report(is + "a raw pointer ('" + (top ? p.declared_type : p.dangling_type) + "')" + where +
                 ", which may dangle after the caller returns" + fix +
                 "the value (std::string for text), or std::unique_ptr or std::shared_ptr to share ownership");
          break;
        case Dangling::none:
          break;
      }
      continue;
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
