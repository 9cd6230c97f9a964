#include <algorithm>
#include <string>

#include "../attribute.hpp"
#include "../policy.hpp"
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
    std::string closest = "task";
    for (const auto name : kPolicyNames) {
      if (edit_distance(u.name, std::string(name)) < edit_distance(u.name, closest)) closest = name;
    }
    const auto shared_prefix = [](const std::string& a, const std::string& b) {
      size_t n = 0;
      while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
      return n;
    };
    for (const auto name : kPolicyNames) {
      if (shared_prefix(u.name, std::string(name)) >= 4) closest = name;  // retries, timeouts, concurrent
    }
    if (edit_distance(u.name, closest) <= 2 || shared_prefix(u.name, closest) >= 4) {
      message += "; did you mean [[bg::" + closest + "]]?";
    } else {
      message += "; bg-gen knows [[bg::task]], and beside it [[bg::retry(n)]], [[bg::timeout(\"30s\")]], "
                 "[[bg::concurrency(k)]] and [[bg::queue(\"name\")]]: fix the spelling or remove it";
    }
    out.push_back({u.pos, message, {}});
  }
  for (const auto& lone : model.lone_policies) {
    out.push_back({lone.pos,
                   "[[" + lone.attribute + "]] on '" + lone.function +
                       "', which is not a task: a policy applies to a task; write it beside bg::task on the same "
                       "declaration, as in [[bg::task, " + lone.attribute + "(...)]], or remove it",
                   {}});
  }
  for (const auto& task : model.tasks) (void)read_policy(task, &out);
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
