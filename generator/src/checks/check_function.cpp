#include "checks.hpp"

namespace bg::gen {

bool check_function(const Task& task, std::vector<Diagnostic>& out) {
  const std::string what = "[[bg::task]] '" + task.function + "' ";
  auto report = [&](const std::string& message) {
    out.push_back({task.pos, what + message, {}});
    return false;
  };
  if (task.is_template)
    return report("is a template; a task needs one concrete signature: annotate a non-template function "
                  "that calls the template instead");
  if (task.is_nonstatic_member)
    return report("is a non-static member function, which needs an object to run on; make it static, or a "
                  "free function that takes what it needs by value");
  if (task.internal_linkage)
    return report("has internal linkage (static, or in an anonymous namespace), so generated code cannot call "
                  "it; remove 'static' or move it out of the anonymous namespace");
  if (task.variadic)
    return report("is variadic ('...'), and C variadic arguments cannot be stored in a task; take a "
                  "std::vector instead");
  if (task.is_static_member && !task.declared_in_header)
    return report("is a member of '" + task.enclosing_class +
                  "', which is defined in a source file, so the generated header cannot reach it; define the "
                  "class in a header");
  if (task.has_default_arguments)
    return report("has default arguments, which entry points cannot repeat; remove the defaults (every "
                  "argument is then given at the call), or annotate a wrapper without those parameters");
  return true;
}

}  // namespace bg::gen
