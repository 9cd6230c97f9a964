#include "emit.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include "templates.inc"  // kHeaderTemplate, kSourceTemplate (generated from templates/)
#include "version.hpp"

namespace bg::gen {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;
using kainjow::mustache::mustache;

/// The text of a C++ string literal's contents.
std::string cxx_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

/// Collapses runs of blank lines into one. Mustache sections that render
/// nothing (no enums, a task without parameters) leave a blank line behind
/// where their tags stood; this keeps the output tidy whatever the data.
std::string collapse_blank_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t newlines = 0;
  for (char c : text) {
    if (c == '\n') {
      if (++newlines > 2) continue;
    } else {
      newlines = 0;
    }
    out += c;
  }
  return out;
}

std::string render(const char* name, const char* text, const data& view) {
  mustache tmpl{std::string(text)};
  if (!tmpl.is_valid()) throw std::runtime_error(std::string("bg-gen: template ") + name + ": " + tmpl.error_message());
  // The output is C++, not HTML.
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = collapse_blank_lines(tmpl.render(view));
  if (!tmpl.is_valid()) throw std::runtime_error(std::string("bg-gen: template ") + name + ": " + tmpl.error_message());
  return out;
}

/// The task's parameters joined with ", ", each written by `piece`; when the
/// task takes a bg::Context, `context` comes first (none if null).
template <class Piece>
std::string join_params(const Task& task, const char* context, Piece piece) {
  std::string out;
  auto add = [&](const std::string& text) { out += (out.empty() ? "" : ", ") + text; };
  if (context != nullptr && task.takes_context) add(context);
  for (const auto& p : task.params) add(piece(p));
  return out;
}

std::string declared(const Param& p) { return p.declared_type + (p.named ? " " + p.name : ""); }

std::string signature(const Task& task) {
  return task.return_type + " " + task.function + "(" + join_params(task, "const bg::Context &", declared) + ")" +
         (task.is_noexcept ? " noexcept" : "");
}

std::string function_pointer(const Task& task) {
  return task.return_type + " (*)(" +
         join_params(task, "const bg::Context &", [](const Param& p) { return p.declared_type; }) + ")" +
         (task.is_noexcept ? " noexcept" : "");
}

/// JSON can carry every parameter, so the registry can submit it by name.
bool json_invocable(const Task& task) {
  return std::all_of(task.params.begin(), task.params.end(), [](const Param& p) { return p.json.carried(); });
}

void collect_enums(const JsonShape& shape, std::map<std::string, const JsonShape*>& out) {
  if (shape.kind == JsonShape::Kind::enumeration) out.emplace(shape.cxx_type, &shape);
  for (const auto& e : shape.element) collect_enums(e, out);
}

nlohmann::ordered_json shape_json(const JsonShape& shape) {
  static const char* const names[] = {"unsupported", "boolean", "integer", "floating", "string",
                                      "enumeration", "array",   "optional", "object"};
  nlohmann::ordered_json j;
  j["kind"] = names[static_cast<int>(shape.kind)];
  if (shape.kind == JsonShape::Kind::enumeration) j["enumerators"] = shape.enumerators;
  if (!shape.element.empty()) j["element"] = shape_json(shape.element.front());
  return j;
}

std::string depfile_escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

}  // namespace

std::string relative_to(const std::string& path, const std::string& root) {
  if (root.empty()) return path;
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  std::filesystem::path r = std::filesystem::path(root).lexically_normal();
  auto rel = p.lexically_relative(r);
  if (rel.empty() || *rel.begin() == "..") return path;
  return rel.generic_string();
}

std::map<std::string, std::string> emit(const Model& model, const EmitOptions& options) {
  const std::string& ns = options.namespace_name;

  std::set<std::string> includes;
  std::map<std::string, const JsonShape*> enums;
  list tasks;
  list declarations;
  for (const auto& task : model.tasks) {
    includes.insert(task.includes.begin(), task.includes.end());
    const std::string file = relative_to(task.pos.file, options.root);

    list params;
    for (size_t i = 0; i < task.params.size(); ++i) {
      const auto& p = task.params[i];
      data item;
      item.set("name", p.name);
      item.set("task_name", task.name);
      item.set("stored_type", p.stored_type);
      item.set("stored_type_text", cxx_text(p.stored_type));
      item.set("declared_type_text", cxx_text(p.declared_type));
      item.set("index", std::to_string(i));
      item.set("number", std::to_string(i + 1));
      item.set("last", i + 1 == task.params.size());
      params.push_back(item);
    }
    const bool invocable = json_invocable(task);
    if (invocable)
      for (const auto& p : task.params) collect_enums(p.json, enums);

    std::string keyword_example = "{";
    for (size_t i = 0; i < task.params.size(); ++i)
      keyword_example += (i ? ", ." : ".") + task.params[i].name + " = ...";
    keyword_example += "}";

    data t;
    t.set("name", task.name);
    t.set("type", task.name + "_t");
    t.set("function_text", cxx_text(task.function));
    t.set("global_function", "::" + task.function);
    const std::string text = signature(task);
    t.set("signature", text);
    t.set("signature_text", cxx_text(text));
    t.set("file", file);
    t.set("file_text", cxx_text(file));
    t.set("line", std::to_string(task.pos.line));
    t.set("params", params);
    t.set("has_params", !task.params.empty());
    t.set("param_count", std::to_string(task.params.size()));
    t.set("one_param", task.params.size() == 1);
    t.set("parameter_list_text",
          cxx_text(join_params(task, nullptr, [](const Param& p) { return p.stored_type + " " + p.name; })));
    t.set("keyword_example", keyword_example);
    t.set("make_parameters",
          join_params(task, nullptr, [](const Param& p) { return p.declared_type + " " + p.name + "_"; }));
    t.set("function_pointer", function_pointer(task));
    t.set("json_invocable", invocable);
    t.set("json_invocable_text", invocable ? "true" : "false");
    t.set("takes_context_text", task.takes_context ? "true" : "false");
    tasks.push_back(t);

    if (!task.declared_in_header) {
      data d;
      d.set("function", task.function);
      d.set("file", file);
      list open;
      list closing;
      for (const auto& n : task.namespaces) {
        data item;
        item.set("name", n.name);
        item.set("is_inline", n.is_inline);
        open.push_back(item);
        closing.insert(closing.begin(), item);
      }
      d.set("namespaces", open);
      d.set("namespaces_closing", closing);
      d.set("return_type", task.return_type);
      d.set("short_name", task.short_name);
      d.set("parameters", join_params(task, "const bg::Context & context", declared));
      d.set("is_noexcept", task.is_noexcept);
      declarations.push_back(d);
    }
  }

  list include_list;
  // System headers first, then the project's, each sorted: as a person would.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& spelling : includes) {
      if ((spelling.front() == '<') != (pass == 0)) continue;
      data item;
      item.set("spelling", spelling);
      include_list.push_back(item);
    }
  }
  list enum_list;
  for (const auto& [type, shape] : enums) {
    data e;
    e.set("type", type);
    list enumerators;
    for (const auto& name : shape->enumerators) {
      data item;
      item.set("name", name);
      enumerators.push_back(item);
    }
    e.set("enumerators", enumerators);
    enum_list.push_back(e);
  }

  data view;
  view.set("version", std::string(kBgGenVersion));
  view.set("revision", std::to_string(kRuntimeRevision));
  view.set("namespace", ns);
  view.set("includes", include_list);
  view.set("declarations", declarations);
  view.set("tasks", tasks);
  view.set("has_tasks", !model.tasks.empty());
  view.set("enums", enum_list);

  std::map<std::string, std::string> files;
  files["bg_tasks.hpp"] = render("bg_tasks.hpp", kHeaderTemplate, view);
  files["bg_tasks.cpp"] = render("bg_tasks.cpp", kSourceTemplate, view);

  // The manifest is data, not code: nlohmann writes it, keys in a fixed order.
  nlohmann::ordered_json manifest;
  manifest["generator"] = "bg-gen " + std::string(kBgGenVersion);
  manifest["runtime_revision"] = kRuntimeRevision;
  manifest["namespace"] = ns;
  manifest["tasks"] = nlohmann::ordered_json::array();
  for (const auto& task : model.tasks) {
    nlohmann::ordered_json t;
    t["name"] = task.name;
    t["function"] = task.function;
    t["signature"] = signature(task);
    t["entry_point"] = ns + "::" + task.name;
    t["takes_context"] = task.takes_context;
    auto params = nlohmann::ordered_json::array();
    for (const auto& p : task.params) {
      nlohmann::ordered_json pj;
      pj["name"] = p.name;
      pj["type"] = p.declared_type;
      pj["stored_type"] = p.stored_type;
      pj["json"] = shape_json(p.json);
      params.push_back(pj);
    }
    t["params"] = params;
    t["json_invocable"] = json_invocable(task);
    t["file"] = relative_to(task.pos.file, options.root);
    t["line"] = task.pos.line;
    manifest["tasks"].push_back(t);
  }
  files["bg_tasks.json"] = manifest.dump(2) + "\n";

  // The depfile names the header as the target (CMake's DEPFILE wants the
  // first output) and every file read, except bg-gen's own outputs.
  std::filesystem::path out_dir(options.output_dir);
  std::string depfile = depfile_escape((out_dir / "bg_tasks.hpp").lexically_normal().string()) + ":";
  for (const auto& input : model.inputs) {
    auto parent = std::filesystem::path(input).parent_path().lexically_normal();
    if (parent == out_dir.lexically_normal() &&
        std::filesystem::path(input).filename().string().rfind("bg_tasks.", 0) == 0)
      continue;
    depfile += " \\\n  " + depfile_escape(input);
  }
  files["bg_tasks.d"] = depfile + "\n";
  return files;
}

}  // namespace bg::gen
