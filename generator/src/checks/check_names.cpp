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
      "add_task", "registry", "bg_detail"};
  return words;
}

}  // namespace

void check_names(const Model& model, std::vector<Diagnostic>& out) {
  for (const auto& task : model.tasks) {
    // Operators and conversion functions have no name to become
    // tasks::NAME; check_function reports them with the other function checks.
    if (!task.explicit_name) continue;
    if (!is_identifier(task.name)) {
      out.push_back({task.attribute_pos,
                     "[[bg::task(\"" + task.name + "\")]] on '" + task.function +
                         "': the name is not a valid identifier; use letters, digits and '_', not starting "
                         "with a digit (it becomes tasks::NAME in C++)",
                     {}});
    } else if (cxx_keywords().count(task.name) != 0) {
      out.push_back({task.attribute_pos,
                     "[[bg::task(\"" + task.name + "\")]] on '" + task.function +
                         "': the name is reserved in generated code (a C++ keyword, or add_task, registry, bg_detail); "
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
  // Each task also generates a class, tasks::NAME_t: a task named like
  // another's class would declare one name twice in the generated header.
  for (const auto& task : model.tasks) {
    const std::string& name = task.name;
    if (name.size() <= 2 || name.compare(name.size() - 2, 2, "_t") != 0) continue;
    const auto owner = first_by_name.find(name.substr(0, name.size() - 2));
    if (owner == first_by_name.end()) continue;
    const Task& other = *owner->second;
    out.push_back({task.attribute_pos,
                   "[[bg::task]] '" + task.function + "' is named like the class generated for task '" +
                       other.name + "' (" + name +
                       "), so the generated header would declare that name twice; give one of them another "
                       "name, for example [[bg::task(\"" + name.substr(0, name.size() - 2) + "_task\")]]",
                   {{other.attribute_pos, "task '" + other.name + "' is declared here"}}});
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
