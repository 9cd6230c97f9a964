#include "attribute.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/Expr.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <clang/Sema/ParsedAttr.h>
#include <clang/Sema/Sema.h>

#include <cctype>
#include <optional>
#include <string>

namespace bg::gen {
namespace {

/// Reads a bg:: attribute's arguments from the source (see argument_text).
class BgAttrInfo : public clang::ParsedAttrInfo {
 public:
  // Every declaration is accepted here; the collector reports the ones that
  // are not functions with a message that says what to do.
  bool diagAppertainsToDecl(clang::Sema&, const clang::ParsedAttr&,
                            const clang::Decl*) const override {
    return true;
  }

  static void annotate(clang::Sema& sema, clang::Decl* decl, const clang::ParsedAttr& attr,
                       const std::string& annotation) {
    decl->addAttr(clang::AnnotateAttr::Create(sema.Context, annotation, nullptr, 0,
                                              attr.getRange(), attr.getSyntax()));
  }

  /// The text between the parentheses after `task`, or nothing without
  /// parentheses. Read from the source: Clang 16's parser skips the
  /// arguments of attributes registered by plugins and tools.
  static std::optional<std::string> argument_text(clang::Sema& sema, const clang::ParsedAttr& attr) {
    const auto& sm = sema.getSourceManager();
    auto loc = sm.getExpansionLoc(attr.getLoc());
    bool invalid = false;
    const char* p = sm.getCharacterData(loc, &invalid);
    if (invalid || p == nullptr) return std::nullopt;
    llvm::StringRef buffer = sm.getBufferData(sm.getFileID(loc), &invalid);
    const char* end = buffer.data() + buffer.size();
    auto skip_identifier = [&] {
      while (p < end && (std::isalnum(static_cast<unsigned char>(*p)) || *p == '_')) ++p;
      while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
    };
    skip_identifier();  // "bg" or "task", depending on where Clang points
    if (end - p >= 2 && p[0] == ':' && p[1] == ':') {
      p += 2;
      while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
      skip_identifier();
    }
    if (p == end || *p != '(') return std::nullopt;
    const char* begin = ++p;
    int depth = 1;
    for (; p < end; ++p) {
      if (*p == '"' || *p == '\'') {
        const char quote = *p;
        for (++p; p < end && *p != quote; ++p)
          if (*p == '\\') ++p;
        continue;
      }
      if (*p == '(') ++depth;
      if (*p == ')' && --depth == 0) break;
    }
    return llvm::StringRef(begin, static_cast<size_t>(p - begin)).trim().str();
  }

  /// The contents of one plain string literal without escapes ("name"), else
  /// nothing.
  static std::optional<std::string> string_literal(llvm::StringRef text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
    llvm::StringRef inner = text.drop_front().drop_back();
    if (inner.contains('"') || inner.contains('\\')) return std::nullopt;
    return inner.str();
  }
};

class TaskAttrInfo final : public BgAttrInfo {
 public:
  TaskAttrInfo() {
    static constexpr Spelling spellings[] = {
        {clang::ParsedAttr::AS_CXX11, "bg::task"},
    };
    Spellings = spellings;
  }

  AttrHandling handleDeclAttribute(clang::Sema& sema, clang::Decl* decl,
                                   const clang::ParsedAttr& attr) const override {
    std::string annotation(kTaskAnnotation);
    auto arguments = argument_text(sema, attr);
    if (arguments) {
      if (auto name = string_literal(*arguments)) {
        annotation += "=" + *name;
      } else {
        annotation += "!(" + *arguments + ")";
      }
    }
    annotate(sema, decl, attr, annotation);
    return AttributeApplied;
  }
};

/// bg::retry, bg::timeout, bg::concurrency: the arguments are recorded as
/// written and judged by the checks, which know what each one takes.
template <const char* Spelled, const char* Name>
class PolicyAttrInfo final : public BgAttrInfo {
 public:
  PolicyAttrInfo() {
    static constexpr Spelling spellings[] = {
        {clang::ParsedAttr::AS_CXX11, Spelled},
    };
    Spellings = spellings;
  }

  AttrHandling handleDeclAttribute(clang::Sema& sema, clang::Decl* decl,
                                   const clang::ParsedAttr& attr) const override {
    std::string annotation = std::string(kPolicyAnnotation) + Name;
    if (auto arguments = argument_text(sema, attr)) annotation += "(" + *arguments + ")";
    annotate(sema, decl, attr, annotation);
    return AttributeApplied;
  }
};

constexpr char kRetrySpelled[] = "bg::retry";
constexpr char kRetry[] = "retry";
constexpr char kTimeoutSpelled[] = "bg::timeout";
constexpr char kTimeout[] = "timeout";
constexpr char kConcurrencySpelled[] = "bg::concurrency";
constexpr char kConcurrency[] = "concurrency";
constexpr char kQueueSpelled[] = "bg::queue";
constexpr char kQueue[] = "queue";

}  // namespace

void register_task_attribute() {
  static clang::ParsedAttrInfoRegistry::Add<TaskAttrInfo> registration(
      "bg-task", "[[bg::task]] and [[bg::task(\"name\")]]");
  static clang::ParsedAttrInfoRegistry::Add<PolicyAttrInfo<kRetrySpelled, kRetry>> retry(
      "bg-retry", "[[bg::retry(n)]]");
  static clang::ParsedAttrInfoRegistry::Add<PolicyAttrInfo<kTimeoutSpelled, kTimeout>> timeout(
      "bg-timeout", "[[bg::timeout(\"30s\")]]");
  static clang::ParsedAttrInfoRegistry::Add<PolicyAttrInfo<kConcurrencySpelled, kConcurrency>> concurrency(
      "bg-concurrency", "[[bg::concurrency(k)]]");
  static clang::ParsedAttrInfoRegistry::Add<PolicyAttrInfo<kQueueSpelled, kQueue>> queue(
      "bg-queue", "[[bg::queue(\"name\")]]");
}

}  // namespace bg::gen
