// The model: what bg-gen knows about the annotated code, as plain structs.
//
// This is the seam between Clang and everything after it. collect.cpp is the
// only code that sees Clang's AST; it fills these structs with facts (names,
// spellings, positions, yes/no properties). check.cpp turns facts into
// diagnostics and emit.cpp turns a checked model into files, and neither
// includes a Clang header.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bg::gen {

/// A place in a source file. `file` is the path as Clang opened it; line and
/// column are 1-based, the column counted in bytes as compilers do.
struct SourcePos {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;

  friend auto operator<=>(const SourcePos&, const SourcePos&) = default;
};

/// How a parameter receives its argument.
enum class Passing {
  by_value,        ///< T
  const_lvalue,    ///< const T&
  rvalue,          ///< T&&
  mutable_lvalue,  ///< T& : cannot bind to the task's own copy
};

/// Parameter types whose value refers to memory the caller owns, so that it
/// dangles once the caller returns while the task is still queued.
enum class Dangling { none, string_view, span, raw_pointer };

/// What a parameter's type looks like to the JSON dispatcher.
struct JsonShape {
  /// `custom`: a class type of the user's; whether JSON can carry it (an
  /// nlohmann from_json / adl_serializer) is decided when the generated
  /// source compiles, where that serializer is visible.
  enum class Kind { unsupported, boolean, integer, floating, string, enumeration, array, optional, object, custom };
  Kind kind = Kind::unsupported;
  std::string cxx_type;               ///< fully qualified spelling
  std::vector<JsonShape> element;     ///< one element for array, optional, object
  std::vector<std::string> enumerators;  ///< for enumerations, in declaration order

  /// JSON can carry it for certain (no custom type inside).
  [[nodiscard]] bool carried() const {
    if (kind == Kind::unsupported || kind == Kind::custom) return false;
    for (const auto& e : element)
      if (!e.carried()) return false;
    return true;
  }
  /// JSON may carry it, depending on the custom types inside.
  [[nodiscard]] bool maybe_carried() const {
    if (kind == Kind::unsupported) return false;
    for (const auto& e : element)
      if (!e.maybe_carried()) return false;
    return true;
  }
};

struct Param {
  std::string name;           ///< as declared; "argN" (1-based) when unnamed
  bool named = true;
  std::string declared_type;  ///< as written, fully qualified: `const std::string &`
  /// The declaration with kDeclaratorMark where the name goes, so that
  /// declarators print right: `void (*@)(int)`, `int (&@)[3]`.
  std::string declared_pattern;
  std::string stored_type;    ///< what the task stores: `std::string`
  Passing passing = Passing::by_value;
  Dangling dangling = Dangling::none;
  /// Where the dangling type sits when it is not the parameter itself, outer
  /// first: "std::vector<std::string_view>" or "field 'body' of 'Message'".
  /// Empty when the parameter's own type dangles.
  std::vector<std::string> dangling_path;
  std::string dangling_type;  ///< the dangling type itself: `std::string_view`
  bool movable = true;        ///< the stored type is move-constructible and destructible
  JsonShape json;
  SourcePos pos;
  /// A type the parameter names that is declared in a source file (not a
  /// header), so the generated header cannot reach it. Empty when none.
  std::string type_in_source_file;
  /// The default argument's source text, empty when there is none.
  std::string default_text;

  [[nodiscard]] bool has_default() const { return !default_text.empty(); }
};

/// Stands for the parameter's name in Param::declared_pattern.
inline constexpr const char* kDeclaratorMark = "@";

/// `pattern` with the name put in (or the mark dropped when `name` is empty).
std::string declare(const std::string& pattern, const std::string& name);

/// A type or declaration as a person writes it: `const T&`, `char*`, not
/// Clang's `const T &`, `char *`. Declarators (`void (*)(int)`) stay as they are.
std::string tidy_spelling(const std::string& spelled);

/// True for a name C++ accepts as an identifier.
bool is_identifier(const std::string& name);

/// What becomes of a task's return value.
enum class ReturnKind {
  none,             ///< void
  value,            ///< discarded
  nodiscard_value,  ///< discarded, though the type or function is [[nodiscard]]: bg-gen warns
  expected,         ///< std::expected-like (has_value(), error()): an error is a failure
};

/// How a task runs.
enum class TaskKind {
  blocking,   ///< a plain function: a worker thread runs it
  coroutine,  ///< returns asio::awaitable<T>: bgtasks::asio runs it on an io_context
};

/// A policy attribute as written beside [[bg::task]] (bg::retry,
/// bg::timeout, bg::concurrency, bg::queue); policy.cpp reads its arguments.
struct PolicyAttribute {
  std::string name;                      ///< without bg::: "retry"
  std::optional<std::string> arguments;  ///< the text between the parentheses; none without them
  SourcePos pos;
};

/// What the policy attributes of a task say, once read and checked.
struct Policy {
  unsigned retries = 0;
  long long backoff_base_ms = 1'000;  ///< the runtime's defaults (bg::TaskPolicy)
  long long backoff_cap_ms = 60'000;
  long long timeout_ms = 0;
  unsigned concurrency = 0;
  /// bg::queue: the durable queue of generated enqueue(client, ...); empty
  /// when not given. Not part of how the process runs the task (plain()).
  std::string queue;

  [[nodiscard]] bool plain() const { return retries == 0 && timeout_ms == 0 && concurrency == 0; }
};

/// One annotated function (possibly seen in several translation units and
/// declared in several places; `usr` identifies it across them).
struct Task {
  std::string usr;
  std::string name;            ///< registry name: explicit, or the function's name
  bool explicit_name = false;
  std::optional<std::string> bad_argument;  ///< the attribute's argument is not one string literal
  SourcePos attribute_pos;     ///< where [[bg::task]] is written
  SourcePos pos;               ///< the function's name in the annotated declaration

  std::string function;        ///< qualified name: app::send_notification
  std::string short_name;      ///< send_notification
  struct Namespace {
    std::string name;
    bool is_inline = false;
  };
  std::vector<Namespace> namespaces;  ///< enclosing namespaces, outermost first
  std::string return_type;     ///< fully qualified
  /// For a coroutine task, what its awaitable yields (T of asio::awaitable<T>).
  ReturnKind returns = ReturnKind::none;
  TaskKind kind = TaskKind::blocking;
  /// A coroutine type bgtasks cannot run (another library's, or an
  /// awaitable on another executor), with what to do. Empty when fine.
  std::string bad_coroutine;
  bool is_noexcept = false;
  bool takes_context = false;  ///< first parameter is bg::Context (by value or const&)
  std::string context_type;    ///< how that parameter is declared: `const bg::Context&`, `bg::Context`
  /// A bg::Context parameter the runtime cannot fill in: taken by non-const
  /// lvalue reference, or not first. Empty when there is none.
  std::string bad_context;
  SourcePos bad_context_pos;
  bool is_consteval = false;
  std::vector<Param> params;   ///< without the context parameter
  /// Policy attributes written beside [[bg::task]], in source order.
  std::vector<PolicyAttribute> policies;

  /// Parameters that must be given: those before the first default.
  [[nodiscard]] size_t required_params() const {
    size_t n = 0;
    while (n < params.size() && !params[n].has_default()) ++n;
    return n;
  }

  // Facts the checks turn into diagnostics.
  bool is_template = false;
  bool is_nonstatic_member = false;
  bool is_static_member = false;
  std::string enclosing_class;  ///< qualified class name for static members
  bool internal_linkage = false;
  bool variadic = false;
  /// True when some declaration of the function is in a header: the generated
  /// header includes that header. Otherwise it declares the function itself.
  bool declared_in_header = false;
  /// Headers the generated header includes for this task (spelled with <> or
  /// "" as a user would write them), sorted.
  std::set<std::string> includes;
};

/// A bg:: attribute on something that is not a function.
struct MisplacedAttribute {
  SourcePos pos;
  std::string attribute;  ///< bg::task
  std::string target;     ///< what it is on: "variable", "class", ...
};

/// A policy attribute on a function that has no [[bg::task]] beside it.
struct LonePolicy {
  SourcePos pos;
  std::string attribute;  ///< bg::retry
  std::string function;   ///< qualified name
};

/// A bg:: attribute bg-gen does not know.
struct UnknownAttribute {
  SourcePos pos;
  std::string name;  ///< without the bg:: prefix
};

struct Model {
  std::vector<Task> tasks;  ///< every annotated declaration; duplicates merged by USR
  std::vector<MisplacedAttribute> misplaced;
  std::vector<UnknownAttribute> unknown;
  std::vector<LonePolicy> lone_policies;
  /// Every file read while parsing (for the depfile), absolute, sorted.
  std::set<std::string> inputs;
};

/// Adds `other` (one translation unit's model) to `into`, merging tasks with
/// the same USR and dropping repeated attribute reports. Collection may run in
/// any order; the result does not depend on it once normalize() has run.
void merge(Model& into, Model other);
/// Sorts everything into a stable order: tasks by name then position.
void normalize(Model& model);

}  // namespace bg::gen
