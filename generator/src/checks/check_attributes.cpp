#include <algorithm>
#include <string>

#include "checks.hpp"

namespace bg::gen {
namespace {

/// Levenshtein distance, for did-you-mean.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

void check_attributes(const Model& model, std::vector<Diagnostic>& out) {
  for (const auto& m : model.misplaced) {
    out.push_back({m.pos,
                   "[[" + m.attribute + "]] applies to functions only, but here it is on " + m.target +
                       "; put it on a free function or a static member function, or remove it",
                   {}});
  }
  for (const auto& u : model.unknown) {
    std::string message = "unknown attribute [[bg::" + u.name + "]]";
    if (edit_distance(u.name, "task") <= 2) {
      message += "; did you mean [[bg::task]]?";
    } else {
      message += "; bg-gen knows only [[bg::task]] and [[bg::task(\"name\")]]: fix the spelling or remove it";
    }
    out.push_back({u.pos, message, {}});
  }
  for (const auto& task : model.tasks) {
    if (!task.bad_argument) continue;
    out.push_back({task.attribute_pos,
                   "[[bg::task" + *task.bad_argument + "]] on '" + task.function +
                       "': the attribute takes nothing or one string literal, the task's name, as in "
                       "[[bg::task(\"" + task.short_name + "\")]]",
                   {}});
  }
}

}  // namespace bg::gen
