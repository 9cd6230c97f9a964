#include "model.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace bg::gen {

std::string declare(const std::string& pattern, const std::string& name) {
  auto at = pattern.find(kDeclaratorMark);
  if (at == std::string::npos) return name.empty() ? pattern : pattern + " " + name;
  std::string out = pattern;
  out.replace(at, 1, name);
  // `int @` with no name leaves a trailing space; `void (*)(int)` is right as is.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string tidy_spelling(const std::string& spelled) {
  std::string out;
  out.reserve(spelled.size());
  for (std::size_t i = 0; i < spelled.size(); ++i) {
    const char c = spelled[i];
    // `T &`, `T *`, `T &&` -> `T&`, `T*`, `T&&`: drop the space between a
    // type and the reference or pointer that applies to it...
    if (c == ' ' && i + 1 < spelled.size() && (spelled[i + 1] == '&' || spelled[i + 1] == '*') && !out.empty() &&
        (std::isalnum(static_cast<unsigned char>(out.back())) || out.back() == '_' || out.back() == '>' ||
         out.back() == ']')) {
      std::size_t end = i + 1;
      while (end < spelled.size() && (spelled[end] == '&' || spelled[end] == '*')) ++end;
      out.append(spelled, i + 1, end - i - 1);
      // ...and keep one before what follows it (`T& name`, `T* const`).
      if (end < spelled.size() && spelled[end] != ' ' && spelled[end] != ',' && spelled[end] != ')' &&
          spelled[end] != '>')
        out += ' ';
      i = end - 1;
      continue;
    }
    out += c;
  }
  return out;
}

bool is_identifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

void merge(Model& into, Model other) {
  for (auto& task : other.tasks) {
    // The same function annotated once and seen by several translation units
    // (a header), under the same name: one task. Different names for one
    // function stay apart, and check() reports them.
    auto same = std::find_if(into.tasks.begin(), into.tasks.end(), [&](const Task& t) {
      return t.usr == task.usr && t.name == task.name;
    });
    if (same == into.tasks.end()) {
      into.tasks.push_back(std::move(task));
      continue;
    }
    // The attribute may be written on more than one declaration; report the
    // first place. A unit that saw a declaration in a header knows how to
    // include it.
    bool in_header = same->declared_in_header || task.declared_in_header;
    auto includes = same->includes;
    includes.insert(task.includes.begin(), task.includes.end());
    if (task.attribute_pos < same->attribute_pos) std::swap(*same, task);
    same->declared_in_header = in_header;
    same->includes = std::move(includes);
  }
  for (auto& m : other.misplaced) {
    auto key = [](const MisplacedAttribute& a) { return std::tie(a.pos, a.attribute); };
    if (std::none_of(into.misplaced.begin(), into.misplaced.end(), [&](const auto& x) { return key(x) == key(m); }))
      into.misplaced.push_back(std::move(m));
  }
  for (auto& u : other.unknown) {
    if (std::none_of(into.unknown.begin(), into.unknown.end(),
                     [&](const auto& x) { return x.pos == u.pos && x.name == u.name; }))
      into.unknown.push_back(std::move(u));
  }
  for (auto& l : other.lone_policies) {
    if (std::none_of(into.lone_policies.begin(), into.lone_policies.end(),
                     [&](const auto& x) { return x.pos == l.pos && x.attribute == l.attribute; }))
      into.lone_policies.push_back(std::move(l));
  }
  into.inputs.insert(other.inputs.begin(), other.inputs.end());
}

void normalize(Model& model) {
  std::sort(model.tasks.begin(), model.tasks.end(), [](const Task& a, const Task& b) {
    return std::tie(a.name, a.attribute_pos, a.usr) < std::tie(b.name, b.attribute_pos, b.usr);
  });
  std::sort(model.misplaced.begin(), model.misplaced.end(),
            [](const auto& a, const auto& b) { return a.pos < b.pos; });
  std::sort(model.unknown.begin(), model.unknown.end(), [](const auto& a, const auto& b) { return a.pos < b.pos; });
  std::sort(model.lone_policies.begin(), model.lone_policies.end(),
            [](const auto& a, const auto& b) { return a.pos < b.pos; });
}

}  // namespace bg::gen
