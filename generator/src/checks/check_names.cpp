#include <map>
#include <set>
#include <string>

#include "checks.hpp"

namespace bg::gen {
namespace {

const std::set<std::string>& cxx_keywords() {
  static const std::set<std::string> words = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
      "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
      "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
      "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
      "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
      "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
      "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
      "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
      // Names the generated namespace already uses.
      "add_task", "registry"};
  return words;
}

bool is_identifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

void check_names(const Model& model, std::vector<Diagnostic>& out) {
  for (const auto& task : model.tasks) {
    if (!task.explicit_name) {
      // Operators and conversion functions have no name to become tasks::NAME.
      if (!is_identifier(task.name) && !task.is_nonstatic_member)
        out.push_back({task.pos,
                       "[[bg::task]] '" + task.function +
                           "' has no plain name to call it by; annotate a named function that calls it",
                       {}});
      continue;
    }
    if (!is_identifier(task.name)) {
      out.push_back({task.attribute_pos,
                     "[[bg::task(\"" + task.name + "\")]] on '" + task.function +
                         "': the name is not a valid identifier; use letters, digits and '_', not starting "
                         "with a digit (it becomes tasks::NAME in C++)",
                     {}});
    } else if (cxx_keywords().count(task.name) != 0) {
      out.push_back({task.attribute_pos,
                     "[[bg::task(\"" + task.name + "\")]] on '" + task.function +
                         "': the name is reserved in generated code (a C++ keyword, or add_task/registry); "
                         "choose another name",
                     {}});
    }
  }

  // Tasks are sorted by name, then position, and merged by USR and name:
  // a repeated name is a different function, and the first is the earlier.
  std::map<std::string, const Task*> first_by_name;
  for (const auto& task : model.tasks) {
    auto [it, inserted] = first_by_name.emplace(task.name, &task);
    if (inserted) continue;
    const Task& first = *it->second;
    std::string suggestion = task.function;
    for (auto& c : suggestion)
      if (c == ':') c = '_';
    while (suggestion.find("__") != std::string::npos) suggestion.erase(suggestion.find("__"), 1);
    out.push_back({task.attribute_pos,
                   "[[bg::task]] two tasks are named '" + task.name + "': '" + first.function + "' and '" +
                       task.function + "'; give one an explicit name, for example [[bg::task(\"" + suggestion +
                       "\")]]",
                   {{first.attribute_pos, "the other task named '" + task.name + "' is here"}}});
  }
  // One function under two names is also two tasks of one USR.
  std::map<std::string, const Task*> by_usr;
  for (const auto& task : model.tasks) {
    auto [it, inserted] = by_usr.emplace(task.usr, &task);
    if (inserted || it->second->name == task.name) continue;
    const Task& first = *it->second;
    const Task& later = first.attribute_pos < task.attribute_pos ? task : first;
    const Task& earlier = first.attribute_pos < task.attribute_pos ? first : task;
    out.push_back({later.attribute_pos,
                   "[[bg::task]] '" + task.function + "' is annotated twice under different names ('" +
                       earlier.name + "' and '" + later.name + "'); keep one attribute",
                   {{earlier.attribute_pos, "the other annotation is here"}}});
  }
}

}  // namespace bg::gen
