#include "check.hpp"

#include <algorithm>

#include "checks/checks.hpp"

namespace bg::gen {

std::vector<Diagnostic> check(const Model& model) {
  std::vector<Diagnostic> out;
  check_attributes(model, out);
  check_names(model, out);
  for (const auto& task : model.tasks) {
    // A function that cannot be a task at all is reported once; its
    // parameters are only judged for functions that could be tasks.
    if (check_function(task, out)) check_parameters(task, out);
  }
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) { return a.pos < b.pos; });
  return out;
}

}  // namespace bg::gen
