#include "checks.hpp"

namespace bg::gen {

bool check_function(const Task& task, std::vector<Diagnostic>& out) {
  const std::string what = "[[bg::task]] '" + task.function + "' ";
  auto report = [&](const std::string& message) {
    out.push_back({task.pos, what + message, {}});
    return false;
  };
  if (!task.explicit_name && !is_identifier(task.name) && !task.is_nonstatic_member)
    return report("has no plain name to call it by; annotate a named function that calls it");
  if (task.is_consteval)
    return report("is consteval, so it can only run while compiling, never later on a worker; remove "
                  "'consteval' (constexpr is fine)");
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
  if (!task.declared_in_header && task.required_params() < task.params.size())
    return report("is declared in a source file only and has default arguments, which the generated header "
                  "cannot repeat; declare the function in a header (with its defaults) and include it");
  if (!task.bad_context.empty()) {
    out.push_back({task.bad_context_pos, what + task.bad_context, {}});
    return false;
  }
  if (!task.bad_coroutine.empty()) return report(task.bad_coroutine);
  if (task.returns == ReturnKind::nodiscard_value)
    out.push_back({task.pos,
                   what + "returns '" + task.return_type +
                       "', marked [[nodiscard]], and a task's return value is discarded; return void, or a "
                       "std::expected-like type whose error bgtasks reports as a failure",
                   {},
                   /*warning=*/true});
  return true;
}

}  // namespace bg::gen
