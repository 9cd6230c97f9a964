#include "emit.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include "policy.hpp"
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
/// task takes a bg::Context, it comes first, declared as the task declares
/// it and named `context_name` (unnamed when empty; left out when nullopt).
template <class Piece>
std::string join_params(const Task& task, const std::optional<std::string>& context_name, Piece piece) {
  std::string out;
  auto add = [&](const std::string& text) { out += (out.empty() ? "" : ", ") + text; };
  if (task.takes_context && context_name)
    add(context_name->empty() ? task.context_type : task.context_type + " " + *context_name);
  for (const auto& p : task.params) add(piece(p));
  return out;
}

std::string declared(const Param& p) { return declare(p.declared_pattern, p.named ? p.name : ""); }

std::string with_default(const Param& p) { return declared(p) + (p.has_default() ? " = " + p.default_text : ""); }

std::string signature(const Task& task) {
  return task.return_type + " " + task.function + "(" + join_params(task, "", with_default) +
         ")" + (task.is_noexcept ? " noexcept" : "");
}

/// The parameters of a generated make() taking the first `count` arguments.
std::string make_parameters(const Task& task, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i)
    out += (i ? ", " : "") + declare(task.params[i].declared_pattern, task.params[i].name + "_");
  return out;
}

/// The function in bg_tasks.cpp that evaluates a default argument, in the
/// task function's namespace so that the default's names resolve as in a
/// direct call.
/// Lengths before the names keep the helpers of task `a_b` parameter `c` and
/// task `a` parameter `b_c` apart.
std::string default_helper(const Task& task, const Param& p) {
  return "bg_default_" + std::to_string(task.name.size()) + task.name + "_" + p.name;
}

std::string qualified_default_helper(const Task& task, const Param& p) {
  std::string out = "::";
  for (const auto& n : task.namespaces) out += n.name + "::";
  return out + default_helper(task, p);
}

const char* kind_text(TaskKind kind) { return kind == TaskKind::coroutine ? "coroutine" : "blocking"; }

const char* returns_text(ReturnKind kind) {
  switch (kind) {
    case ReturnKind::none: return "none";
    case ReturnKind::expected: return "error-checked";
    default: return "discarded";
  }
}

std::string function_pointer(const Task& task) {
  return task.return_type + " (*)(" +
         join_params(task, "", [](const Param& p) { return p.declared_type; }) + ")" +
         (task.is_noexcept ? " noexcept" : "");
}

/// JSON can carry every parameter for certain, so the registry can submit it
/// by name.
bool json_invocable(const Task& task) {
  return std::all_of(task.params.begin(), task.params.end(), [](const Param& p) { return p.json.carried(); });
}

/// JSON may carry every parameter, depending on the user's from_json.
bool maybe_json_invocable(const Task& task) {
  return std::all_of(task.params.begin(), task.params.end(), [](const Param& p) { return p.json.maybe_carried(); });
}

/// The C++ constant expression that decides JSON invocability in the
/// generated source: "true", "false", or a conjunction of json_decodable_v.
std::string json_invocable_expression(const Task& task) {
  if (json_invocable(task)) return "true";
  if (!maybe_json_invocable(task)) return "false";
  std::string out;
  for (const auto& p : task.params) {
    if (p.json.carried()) continue;
    out += (out.empty() ? "" : " && ") + std::string("bg::detail::json_decodable_v<") + p.stored_type + ">";
  }
  return out;
}

void collect_enums(const JsonShape& shape, std::map<std::string, const JsonShape*>& out) {
  if (shape.kind == JsonShape::Kind::enumeration) out.emplace(shape.cxx_type, &shape);
  for (const auto& e : shape.element) collect_enums(e, out);
}

nlohmann::ordered_json shape_json(const JsonShape& shape) {
  static const char* const names[] = {"unsupported", "boolean", "integer", "floating", "string",
                                      "enumeration", "array",   "optional", "object",   "custom"};
  nlohmann::ordered_json j;
  j["kind"] = names[static_cast<int>(shape.kind)];
  if (shape.kind == JsonShape::Kind::custom) j["type"] = shape.cxx_type;
  if (shape.kind == JsonShape::Kind::enumeration) j["enumerators"] = shape.enumerators;
  if (!shape.element.empty()) j["element"] = shape_json(shape.element.front());
  return j;
}

/// The task's enclosing namespaces, to open (`namespaces`) and close
/// (`closing`, innermost first) around generated declarations.
data namespace_list(const Task& task) {
  list open;
  list closing;
  for (const auto& n : task.namespaces) {
    data item;
    item.set("name", n.name);
    item.set("is_inline", n.is_inline);
    open.push_back(item);
    closing.insert(closing.begin(), item);
  }
  data out;
  out.set("open", open);
  out.set("closing", closing);
  return out;
}


}  // namespace

std::string depfile_escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

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
  list include_list_first;
  std::map<std::string, const JsonShape*> enums;
  list tasks;
  list declarations;
  for (const auto& task : model.tasks) {
    includes.insert(task.includes.begin(), task.includes.end());
    const std::string file = relative_to(task.pos.file, options.root);

    const size_t required = task.required_params();
    list params;
    list defaults;
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
      item.set("has_default", p.has_default());
      item.set("default_text", cxx_text(p.default_text));
      item.set("default_raw", p.default_text);
      item.set("default_helper", qualified_default_helper(task, p));
      params.push_back(item);
      if (p.has_default()) {
        data d;
        d.set("helper", default_helper(task, p));
        d.set("stored_type", p.stored_type);
        d.set("default", p.default_text);
        defaults.push_back(d);
      }
    }
    // make() for the full call, then for each shorter call a default allows.
    list makes;
    for (size_t count = task.params.size() + 1; count-- > required;) {
      data m;
      m.set("parameters", make_parameters(task, count));
      makes.push_back(m);
    }
    list shorter;
    for (size_t count = required; count < task.params.size(); ++count) {
      data m;
      m.set("parameters", make_parameters(task, count));
      std::string forward;
      for (size_t i = 0; i < task.params.size(); ++i) {
        const auto& p = task.params[i];
        forward += (i ? ", " : "") + (i < count ? "std::move(" + p.name + "_)" : qualified_default_helper(task, p) + "()");
      }
      m.set("forward", forward);
      shorter.push_back(m);
    }
    const bool invocable = maybe_json_invocable(task);
    if (invocable)
      for (const auto& p : task.params) collect_enums(p.json, enums);

    std::string keyword_example = "{";
    for (size_t i = 0; i < task.params.size(); ++i)
      keyword_example += (i ? ", ." : ".") + task.params[i].name + " = ...";
    keyword_example += "}";

    std::string stored_types;
    for (const auto& p : task.params) stored_types += (stored_types.empty() ? "" : ", ") + p.stored_type;
    const std::string count = required == task.params.size()
                                  ? std::to_string(required)
                                  : std::to_string(required) + " to " + std::to_string(task.params.size());

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
    t.set("required_count", std::to_string(required));
    t.set("count_text", count);
    t.set("plural", task.params.size() != 1);
    t.set("stored_types", stored_types);
    t.set("parameter_list_text", cxx_text(join_params(task, std::nullopt, [](const Param& p) {
            return p.stored_type + " " + p.name + (p.has_default() ? " = " + p.default_text : "");
          })));
    t.set("keyword_example", keyword_example);
    t.set("has_defaults", required < task.params.size());
    t.set("make_parameters", make_parameters(task, task.params.size()));
    t.set("shorter_makes", shorter);
    t.set("makes", makes);
    t.set("arity_mismatch", required == task.params.size()
                                ? "sizeof...(A) != " + std::to_string(required)
                                : "sizeof...(A) < " + std::to_string(required) + " || sizeof...(A) > " +
                                      std::to_string(task.params.size()));
    t.set("defaults", defaults);
    t.set("namespaces", namespace_list(task));
    t.set("function_pointer", function_pointer(task));
    t.set("json_invocable", invocable);
    t.set("json_invocable_expression", json_invocable_expression(task));
    t.set("takes_context_text", task.takes_context ? "true" : "false");
    t.set("returns_text", returns_text(task.returns));
    t.set("kind_text", kind_text(task.kind));
    const Policy policy = read_policy(task);
    t.set("has_policy", !policy.plain());
    t.set("has_retries", policy.retries != 0);
    // Every attempt of a retried task runs on a copy of its arguments: a
    // parameter that cannot be copied is named in the first error line.
    std::string retry_checks;
    if (policy.retries != 0) {
      for (const auto& p : task.params) {
        retry_checks += "  static_assert(std::is_copy_constructible_v<" + p.stored_type + ">,\n"
                        "                \"[[bg::retry]] on " + cxx_text(task.function) + ": parameter '" + p.name +
                        "' cannot be copied, and every attempt runs on a copy of the arguments; take a copyable "
                        "type, or remove bg::retry\");\n";
      }
    }
    t.set("retry_checks", retry_checks);
    const std::string erase_with = policy.retries != 0 ? "make_copyable" : "make";
    t.set("erase_with", erase_with);
    t.set("erase_indent", std::string(std::string("  return bg::detail::ErasedTask::(").size() + erase_with.size(), ' '));
    t.set("policy_comment", describe_policy(policy));
    t.set("retries", std::to_string(policy.retries));
    t.set("backoff_base_ms", std::to_string(policy.backoff_base_ms));
    t.set("backoff_cap_ms", std::to_string(policy.backoff_cap_ms));
    t.set("timeout_ms", std::to_string(policy.timeout_ms));
    t.set("concurrency", std::to_string(policy.concurrency));
    // The keyword form of enqueue(): one JSON member per parameter.
    std::string keyword_fields;
    for (std::size_t i = 0; i < task.params.size(); ++i) {
      const auto& p = task.params[i];
      keyword_fields += "    bg::detail::encode_keyword<" + std::to_string(i) + ", " + p.stored_type + ">(out, \"" +
                        p.name + "\", a." + p.name + ");\n";
    }
    if (task.params.empty()) keyword_fields = "    (void)a;\n";
    t.set("keyword_fields", keyword_fields);
    t.set("has_queue", !policy.queue.empty());
    t.set("queue", policy.queue);
    tasks.push_back(t);

    if (!task.declared_in_header) {
      data d;
      d.set("function", task.function);
      d.set("file", file);
      d.set("namespaces", namespace_list(task));
      d.set("return_type", task.return_type);
      d.set("short_name", task.short_name);
      d.set("parameters", join_params(task, "context", declared));
      d.set("is_noexcept", task.is_noexcept);
      declarations.push_back(d);
    }
  }

  // The export macro's header comes first: the declarations below use it.
  if (!options.export_header.empty()) {
    data item;
    item.set("spelling", options.export_header);
    include_list_first.push_back(item);
  }
  list include_list = include_list_first;
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
  view.set("basename", options.basename);
  view.set("export_macro", options.export_macro.empty() ? std::string("[[gnu::visibility(\"default\")]]")
                                                        : options.export_macro);
  view.set("has_export_header", !options.export_header.empty());
  view.set("export_header", options.export_header);
  view.set("version", std::string(kBgGenVersion));
  view.set("revision", std::to_string(kRuntimeRevision));
  view.set("namespace", ns);
  view.set("includes", include_list);
  view.set("declarations", declarations);
  view.set("tasks", tasks);
  view.set("has_tasks", !model.tasks.empty());
  view.set("any_coroutine", std::any_of(model.tasks.begin(), model.tasks.end(), [](const Task& task) {
             return task.kind == TaskKind::coroutine;
           }));
  view.set("any_maybe_json", std::any_of(model.tasks.begin(), model.tasks.end(), [](const Task& task) {
             return maybe_json_invocable(task) && !json_invocable(task);
           }));
  view.set("enums", enum_list);

  std::map<std::string, std::string> files;
  const std::string& base = options.basename;
  files[base + ".hpp"] = render("bg_tasks.hpp", kHeaderTemplate, view);
  files[base + ".cpp"] = render("bg_tasks.cpp", kSourceTemplate, view);

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
    t["kind"] = kind_text(task.kind);
    t["returns"] = returns_text(task.returns);
    t["required_params"] = task.required_params();
    if (const Policy policy = read_policy(task); !policy.plain()) {
      nlohmann::ordered_json pj;
      if (policy.retries != 0) {
        pj["retries"] = policy.retries;
        pj["backoff_base_ms"] = policy.backoff_base_ms;
        pj["backoff_cap_ms"] = policy.backoff_cap_ms;
      }
      if (policy.timeout_ms != 0) pj["timeout_ms"] = policy.timeout_ms;
      if (policy.concurrency != 0) pj["concurrency"] = policy.concurrency;
      t["policy"] = pj;
    }
    if (const Policy policy = read_policy(task); !policy.queue.empty()) t["queue"] = policy.queue;
    auto params = nlohmann::ordered_json::array();
    for (const auto& p : task.params) {
      nlohmann::ordered_json pj;
      pj["name"] = p.name;
      pj["type"] = p.declared_type;
      pj["stored_type"] = p.stored_type;
      if (p.has_default()) pj["default"] = p.default_text;
      pj["json"] = shape_json(p.json);
      params.push_back(pj);
    }
    t["params"] = params;
    // "maybe": JSON carries the task if the user's types have from_json,
    // which the generated source decides where it compiles.
    if (json_invocable(task)) {
      t["json_invocable"] = true;
    } else if (maybe_json_invocable(task)) {
      t["json_invocable"] = "if from_json";
    } else {
      t["json_invocable"] = false;
    }
    t["file"] = relative_to(task.pos.file, options.root);
    t["line"] = task.pos.line;
    manifest["tasks"].push_back(t);
  }
  files[base + ".json"] = manifest.dump(2) + "\n";

  // The depfile names the header as the target (CMake's DEPFILE wants the
  // first output) and every file read, except bg-gen's own outputs.
  std::filesystem::path out_dir(options.output_dir);
  std::string depfile = depfile_escape((out_dir / (base + ".hpp")).lexically_normal().string()) + ":";
  for (const auto& input : model.inputs) {
    auto parent = std::filesystem::path(input).parent_path().lexically_normal();
    if (parent == out_dir.lexically_normal() &&
        std::filesystem::path(input).filename().string().rfind(base + ".", 0) == 0)
      continue;
    depfile += " \\\n  " + depfile_escape(input);
  }
  files[base + ".d"] = depfile + "\n";
  return files;
}

}  // namespace bg::gen
