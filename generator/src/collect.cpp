#include "collect.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/QualTypeNames.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Index/USRGeneration.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/HeaderSearch.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Sema/Sema.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>

#include "attribute.hpp"

namespace bg::gen {
namespace {

bool is_std_template(const clang::CXXRecordDecl* record, llvm::StringRef name) {
  return record != nullptr && record->isInStdNamespace() && record->getIdentifier() != nullptr &&
         record->getName() == name;
}

const clang::ClassTemplateSpecializationDecl* std_specialization(clang::QualType type,
                                                                 llvm::StringRef name) {
  const auto* record = type.getCanonicalType()->getAsCXXRecordDecl();
  const auto* spec = llvm::dyn_cast_or_null<clang::ClassTemplateSpecializationDecl>(record);
  return is_std_template(spec, name) ? spec : nullptr;
}

class Collector final : public clang::ASTConsumer,
                        public clang::RecursiveASTVisitor<Collector> {
 public:
  Collector(clang::CompilerInstance& compiler, Model& out, const std::vector<std::string>& stubs)
      : compiler_(compiler), out_(out), stubs_(stubs) {}

  void HandleTranslationUnit(clang::ASTContext& context) override {
    context_ = &context;
    policy_ = std::make_unique<clang::PrintingPolicy>(context.getPrintingPolicy());
    policy_->SuppressTagKeyword = true;
    policy_->Bool = true;
    TraverseDecl(context.getTranslationUnitDecl());
    record_inputs(context.getSourceManager(), stubs_, out_);
  }

  bool VisitDecl(clang::Decl* decl) {
    // Attributes inherited by a redeclaration are reported where written.
    std::vector<PolicyAttribute> policies;
    const clang::AnnotateAttr* task = nullptr;
    for (const auto* annotate : decl->specific_attrs<clang::AnnotateAttr>()) {
      if (annotate->isInherited()) continue;
      llvm::StringRef annotation = annotate->getAnnotation();
      if (annotation.consume_front(kPolicyAnnotation)) {
        PolicyAttribute policy;
        const auto paren = annotation.find('(');
        policy.name = annotation.substr(0, paren).str();
        if (paren != llvm::StringRef::npos) policy.arguments = annotation.substr(paren + 1).drop_back().str();
        policy.pos = position(annotate->getLocation());
        policies.push_back(std::move(policy));
        continue;
      }
      if (!annotation.startswith(kTaskAnnotation)) continue;
      if (llvm::isa<clang::FunctionDecl>(decl)) {
        if (task == nullptr) task = annotate;  // a second [[bg::task]] is a second task record, as before
        else collect_task(llvm::cast<clang::FunctionDecl>(decl), annotate, {});
      } else {
        out_.misplaced.push_back({position(annotate->getLocation()), "bg::task", describe(decl)});
      }
    }
    auto* function = llvm::dyn_cast<clang::FunctionDecl>(decl);
    if (task != nullptr) {
      collect_task(function, task, std::move(policies));
      return true;
    }
    for (auto& policy : policies) {
      if (function != nullptr) {
        out_.lone_policies.push_back({policy.pos, "bg::" + policy.name, function->getQualifiedNameAsString()});
      } else {
        out_.misplaced.push_back({policy.pos, "bg::" + policy.name, describe(decl)});
      }
    }
    return true;
  }

 private:
  // --- positions and files -------------------------------------------------

  SourcePos position(clang::SourceLocation loc) const {
    const auto& sm = context_->getSourceManager();
    auto presumed = sm.getPresumedLoc(sm.getExpansionLoc(loc));
    if (presumed.isInvalid()) return {};
    return {presumed.getFilename(), presumed.getLine(), presumed.getColumn()};
  }

  bool in_main_file(clang::SourceLocation loc) const {
    const auto& sm = context_->getSourceManager();
    return sm.isInMainFile(sm.getExpansionLoc(loc));
  }

  /// How a user's source would include the header that declares `decl`: the
  /// outermost header of a chain of system headers (what the user wrote,
  /// `<string>` rather than `<bits/basic_string.h>`), spelled relative to the
  /// include path. Empty for a declaration in the main file or built in.
  std::string include_for(const clang::Decl* decl) const {
    auto& sm = context_->getSourceManager();
    auto loc = sm.getExpansionLoc(decl->getLocation());
    if (loc.isInvalid()) return {};
    clang::FileID file = sm.getFileID(loc);
    while (true) {
      clang::SourceLocation included_at = sm.getIncludeLoc(file);
      if (included_at.isInvalid()) return {};  // main file, or built in
      if (sm.isInSystemHeader(loc) && sm.isInSystemHeader(included_at)) {
        file = sm.getFileID(included_at);
        loc = sm.getLocForStartOfFile(file);
        continue;
      }
      break;
    }
    const clang::FileEntry* entry = sm.getFileEntryForID(file);
    if (entry == nullptr) return {};
    bool is_system = false;
    std::string spelled = compiler_.getPreprocessor().getHeaderSearchInfo().suggestPathToFileForDiagnostics(
        entry, /*MainFile=*/"", &is_system);
    return is_system ? "<" + spelled + ">" : "\"" + spelled + "\"";
  }

  // --- types ---------------------------------------------------------------

  /// Fully qualifies every name in a type, also inside function types
  /// (`std::function<void(app::Item)>`, `void (*)(app::Item)`), which
  /// clang::TypeName leaves as written.
  clang::QualType qualify(clang::QualType type) const {
    if (type.isNull()) return type;
    auto& ctx = *context_;
    const clang::Qualifiers quals = type.getLocalQualifiers();
    const clang::Type* t = type.getTypePtr();
    auto with_quals = [&](clang::QualType q) { return ctx.getQualifiedType(q, quals); };
    if (const auto* paren = llvm::dyn_cast<clang::ParenType>(t)) return with_quals(qualify(paren->getInnerType()));
    if (const auto* ptr = llvm::dyn_cast<clang::PointerType>(t))
      return with_quals(ctx.getPointerType(qualify(ptr->getPointeeType())));
    if (const auto* ref = llvm::dyn_cast<clang::LValueReferenceType>(t))
      return with_quals(ctx.getLValueReferenceType(qualify(ref->getPointeeTypeAsWritten())));
    if (const auto* ref = llvm::dyn_cast<clang::RValueReferenceType>(t))
      return with_quals(ctx.getRValueReferenceType(qualify(ref->getPointeeTypeAsWritten())));
    if (const auto* mp = llvm::dyn_cast<clang::MemberPointerType>(t))
      return with_quals(ctx.getMemberPointerType(qualify(mp->getPointeeType()), mp->getClass()));
    if (const auto* array = llvm::dyn_cast<clang::ConstantArrayType>(t))
      return with_quals(ctx.getConstantArrayType(qualify(array->getElementType()), array->getSize(), nullptr,
                                                 array->getSizeModifier(), array->getIndexTypeCVRQualifiers()));
    if (const auto* array = llvm::dyn_cast<clang::IncompleteArrayType>(t))
      return with_quals(ctx.getIncompleteArrayType(qualify(array->getElementType()), array->getSizeModifier(),
                                                   array->getIndexTypeCVRQualifiers()));
    if (const auto* fn = llvm::dyn_cast<clang::FunctionProtoType>(t)) {
      llvm::SmallVector<clang::QualType, 4> params;
      for (clang::QualType p : fn->getParamTypes()) params.push_back(qualify(p));
      return with_quals(ctx.getFunctionType(qualify(fn->getReturnType()), params, fn->getExtProtoInfo()));
    }
    // Names and templates: clang::TypeName qualifies the name and the
    // template arguments; function types among the arguments are ours.
    clang::QualType named = clang::TypeName::getFullyQualifiedType(clang::QualType(t, 0), ctx, false);
    if (const auto* elaborated = llvm::dyn_cast<clang::ElaboratedType>(named.getTypePtr())) {
      if (const auto* tst = llvm::dyn_cast<clang::TemplateSpecializationType>(elaborated->getNamedType().getTypePtr())) {
        llvm::SmallVector<clang::TemplateArgument, 4> args;
        for (const auto& arg : tst->template_arguments())
          args.push_back(arg.getKind() == clang::TemplateArgument::Type ? clang::TemplateArgument(qualify(arg.getAsType()))
                                                                         : arg);
        clang::QualType rebuilt = ctx.getTemplateSpecializationType(tst->getTemplateName(), args,
                                                                    tst->getCanonicalTypeInternal());
        named = ctx.getElaboratedType(elaborated->getKeyword(), elaborated->getQualifier(), rebuilt);
      }
    }
    return with_quals(named);
  }

  std::string spell(clang::QualType type) const { return tidy_spelling(qualify(type).getAsString(*policy_)); }

  /// The declaration of a parameter named kDeclaratorMark, so that emit can
  /// put any name where C++ wants it (`void (*@)(int)`).
  std::string declarator_pattern(clang::QualType type) const {
    std::string out;
    llvm::raw_string_ostream os(out);
    qualify(type).print(os, *policy_, kDeclaratorMark);
    return tidy_spelling(os.str());
  }

  /// The default argument as written (macros unexpanded), or empty.
  std::string default_text(const clang::ParmVarDecl* param) const {
    if (!param->hasDefaultArg() || param->hasUnparsedDefaultArg() || param->hasUninstantiatedDefaultArg()) return {};
    const auto& sm = context_->getSourceManager();
    auto range = clang::CharSourceRange::getTokenRange(param->getDefaultArgRange());
    range = sm.getExpansionRange(range);
    std::string text;
    for (char c : clang::Lexer::getSourceText(range, sm, context_->getLangOpts())) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (space && (text.empty() || text.back() == ' ')) continue;  // one line, single spaces
      text += space ? ' ' : c;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    // A braced default (`= {1}`) reaches back to its '='.
    if (!text.empty() && text.front() == '=') text.erase(0, text.find_first_not_of("= "));
    return text.empty() ? "{}" : text;
  }

  /// A std::expected-like result (has_value() and error()): an error it
  /// holds is a failed run, not a value to drop.
  ReturnKind return_kind(const clang::FunctionDecl* function, clang::QualType type) const {
    if (type->isVoidType()) return ReturnKind::none;
    auto& sema = compiler_.getSema();
    const auto* record = type.getCanonicalType()->getAsCXXRecordDecl();
    if (record != nullptr && sema.isCompleteType(function->getLocation(), type.getCanonicalType())) {
      record = record->getDefinition();
      auto has_member = [&](const char* name) {
        return record != nullptr && !record->lookup(&context_->Idents.get(name)).empty();
      };
      if (has_member("has_value") && has_member("error")) return ReturnKind::expected;
    }
    // [[nodiscard]] on the function, or on the class or enum it returns.
    const auto* tag = type.getCanonicalType()->getAsTagDecl();
    const bool nodiscard = (type == function->getReturnType() && function->hasAttr<clang::WarnUnusedResultAttr>()) ||
                           (tag != nullptr && tag->hasAttr<clang::WarnUnusedResultAttr>());
    return nodiscard ? ReturnKind::nodiscard_value : ReturnKind::value;
  }

  /// Sets the task's kind: a function returning asio::awaitable<T> (through
  /// any alias) is a coroutine task, and its result is T's. Another
  /// coroutine type is recorded as one bgtasks cannot run.
  void classify_result(const clang::FunctionDecl* function, Task& task) const {
    clang::QualType type = function->getReturnType();
    const auto* record = type.getCanonicalType()->getAsCXXRecordDecl();
    const auto* spec = llvm::dyn_cast_or_null<clang::ClassTemplateSpecializationDecl>(record);
    const std::string name = spec != nullptr ? spec->getSpecializedTemplate()->getQualifiedNameAsString() : "";
    if (name == "asio::awaitable") {
      const auto& args = spec->getTemplateArgs();
      const auto* executor = args.size() > 1 ? args[1].getAsType().getCanonicalType()->getAsCXXRecordDecl() : nullptr;
      if (executor == nullptr || executor->getQualifiedNameAsString() != "asio::any_io_executor") {
        task.bad_coroutine = "returns '" + spell(type) +
                             "', an awaitable on an executor other than asio::any_io_executor, which bgtasks::asio "
                             "runs its tasks on; return asio::awaitable<T>";
      }
      task.kind = TaskKind::coroutine;
      task.returns = return_kind(function, args[0].getAsType());
      return;
    }
    if (name == "boost::asio::awaitable") {
      task.bad_coroutine = "returns '" + spell(type) +
                           "', a Boost.Asio coroutine, and bgtasks runs standalone Asio's; return asio::awaitable<T> "
                           "(#include <asio/awaitable.hpp>, link bgtasks::asio)";
      return;
    }
    // A coroutine type names its promise (bodies are not parsed, so the
    // function's own co_return is not seen).
    const auto* definition = record != nullptr ? record->getDefinition() : nullptr;
    if (definition != nullptr && !definition->lookup(&context_->Idents.get("promise_type")).empty()) {
      task.bad_coroutine = "returns '" + spell(type) +
                           "', a coroutine type bgtasks cannot run; a coroutine task returns asio::awaitable<T> (link "
                           "bgtasks::asio), or make the task a plain function";
      return;
    }
    task.returns = return_kind(function, type);
  }

  /// Every named declaration a type refers to, for includes and for the
  /// "declared in a source file" check.
  void referenced_decls(clang::QualType type, std::vector<const clang::NamedDecl*>& out) const {
    if (type.isNull()) return;
    if (const auto* typedef_type = type->getAs<clang::TypedefType>()) {
      out.push_back(typedef_type->getDecl());
      // A typedef names what it aliases: std::string needs only <string>.
      if (typedef_type->getDecl()->isInStdNamespace()) return;
    }
    clang::QualType canonical = type.getCanonicalType();
    if (const auto* ref = canonical->getAs<clang::ReferenceType>()) return referenced_decls(ref->getPointeeType(), out);
    if (canonical->isPointerType()) return referenced_decls(canonical->getPointeeType(), out);
    if (const auto* tag = canonical->getAsTagDecl()) {
      out.push_back(tag);
      if (const auto* spec = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(tag)) {
        out.push_back(spec->getSpecializedTemplate());
        for (const auto& arg : spec->getTemplateArgs().asArray())
          if (arg.getKind() == clang::TemplateArgument::Type) referenced_decls(arg.getAsType(), out);
      }
    }
  }

  bool movable(clang::QualType stored, clang::SourceLocation loc) const {
    if (stored->isDependentType()) return true;  // templates are reported on their own
    auto& sema = compiler_.getSema();
    if (!sema.isCompleteType(loc, stored)) return true;  // cannot tell; the compiler will
    if (!stored->isRecordType()) return true;
    auto& ctx = *context_;
    clang::TypeSourceInfo* args[] = {ctx.getTrivialTypeSourceInfo(stored, loc),
                                     ctx.getTrivialTypeSourceInfo(ctx.getRValueReferenceType(stored), loc)};
    auto constructible = sema.BuildTypeTrait(clang::TT_IsConstructible, loc, args, loc);
    clang::TypeSourceInfo* one[] = {args[0]};
    auto destructible = sema.BuildTypeTrait(clang::UTT_IsDestructible, loc, one, loc);
    auto value = [](clang::ExprResult& result) {
      if (result.isInvalid()) return true;
      const auto* trait = llvm::dyn_cast<clang::TypeTraitExpr>(result.get());
      return trait == nullptr || trait->isValueDependent() || trait->getValue();
    };
    return value(constructible) && value(destructible);
  }

  JsonShape classify(clang::QualType type) const {
    JsonShape shape;
    shape.cxx_type = spell(type);
    clang::QualType canonical = type.getCanonicalType().getUnqualifiedType();
    if (canonical->isBooleanType()) {
      shape.kind = JsonShape::Kind::boolean;
    } else if (const auto* enum_type = canonical->getAs<clang::EnumType>()) {
      const auto* decl = enum_type->getDecl();
      if (decl->getIdentifier() != nullptr && decl->isComplete()) {
        shape.kind = JsonShape::Kind::enumeration;
        shape.cxx_type = decl->getQualifiedNameAsString();
        for (const auto* e : decl->enumerators()) shape.enumerators.push_back(e->getNameAsString());
      }
    } else if (canonical->isIntegerType()) {
      shape.kind = JsonShape::Kind::integer;
    } else if (canonical->isRealFloatingType()) {
      shape.kind = JsonShape::Kind::floating;
    } else if (const auto* spec = std_specialization(canonical, "basic_string")) {
      // std::string only: plain char, signed or unsigned by platform.
      const auto& args = spec->getTemplateArgs();
      if (args.size() > 0 && args[0].getKind() == clang::TemplateArgument::Type &&
          (args[0].getAsType()->isSpecificBuiltinType(clang::BuiltinType::Char_S) ||
           args[0].getAsType()->isSpecificBuiltinType(clang::BuiltinType::Char_U)))
        shape.kind = JsonShape::Kind::string;
    } else if (const auto* vec = std_specialization(canonical, "vector")) {
      shape.kind = JsonShape::Kind::array;
      shape.element.push_back(classify(vec->getTemplateArgs()[0].getAsType()));
    } else if (const auto* opt = std_specialization(canonical, "optional")) {
      shape.kind = JsonShape::Kind::optional;
      shape.element.push_back(classify(opt->getTemplateArgs()[0].getAsType()));
    } else if (const auto* map = std_specialization(canonical, "map")) {
      auto key = classify(map->getTemplateArgs()[0].getAsType());
      if (key.kind == JsonShape::Kind::string) {
        shape.kind = JsonShape::Kind::object;
        shape.element.push_back(classify(map->getTemplateArgs()[1].getAsType()));
      }
    } else if (canonical->isRecordType()) {
      shape.kind = JsonShape::Kind::custom;  // nlohmann's from_json decides, at compile time
    }
    return shape;
  }

  static Dangling dangling_kind(clang::QualType type) {
    clang::QualType canonical = type.getCanonicalType();
    if (canonical->isPointerType() && !canonical->getPointeeType()->isFunctionType()) return Dangling::raw_pointer;
    if (std_specialization(canonical, "basic_string_view")) return Dangling::string_view;
    if (std_specialization(canonical, "span")) return Dangling::span;
    return Dangling::none;
  }

  /// Finds a type that dangles in `type` or in what it holds: the type
  /// arguments of standard containers and utilities, and the fields of
  /// aggregates, a few levels deep. Records the path in `p`, outer first.
  bool find_dangling(clang::QualType type, Param& p, int depth) const {
    const Dangling kind = dangling_kind(type);
    if (kind != Dangling::none) {
      p.dangling = kind;
      p.dangling_type = spell(type.getUnqualifiedType());
      return true;
    }
    if (depth >= kDanglingDepth) return false;
    clang::QualType canonical = type.getCanonicalType();
    const auto* record = canonical->getAsCXXRecordDecl();
    if (record == nullptr) return false;
    static constexpr llvm::StringRef kHolders[] = {"vector", "deque", "list", "forward_list", "array", "optional",
                                                   "variant", "pair", "tuple", "map", "multimap", "unordered_map",
                                                   "unordered_multimap", "set", "multiset", "unordered_set",
                                                   "unordered_multiset"};
    for (llvm::StringRef holder : kHolders) {
      const auto* spec = std_specialization(canonical, holder);
      if (spec == nullptr) continue;
      // The arguments as written keep their aliases (std::string_view, not
      // std::basic_string_view<char, ...>) for the message.
      const auto* written = type->getAs<clang::TemplateSpecializationType>();
      const llvm::ArrayRef<clang::TemplateArgument> args =
          written != nullptr ? written->template_arguments() : spec->getTemplateArgs().asArray();
      for (const auto& arg : args) {
        if (arg.getKind() == clang::TemplateArgument::Type) {
          if (find_dangling(arg.getAsType(), p, depth + 1)) {
            p.dangling_path.push_back(spell(type.getUnqualifiedType()));
            return true;
          }
        } else if (arg.getKind() == clang::TemplateArgument::Pack) {  // variant, tuple
          for (const auto& element : arg.pack_elements()) {
            if (element.getKind() == clang::TemplateArgument::Type && find_dangling(element.getAsType(), p, depth + 1)) {
              p.dangling_path.push_back(spell(type.getUnqualifiedType()));
              return true;
            }
          }
        }
      }
      return false;
    }
    // A user's aggregate carries its fields into the task as they are.
    if (!record->hasDefinition() || record->isInStdNamespace() || !record->isAggregate()) return false;
    for (const auto* field : record->fields()) {
      if (find_dangling(field->getType(), p, depth + 1)) {
        p.dangling_path.push_back("field '" + field->getNameAsString() + "' of '" +
                                  record->getQualifiedNameAsString() + "'");
        return true;
      }
    }
    return false;
  }

  static constexpr int kDanglingDepth = 4;

  static bool is_context(clang::QualType type) {
    clang::QualType bare = type.getNonReferenceType().getCanonicalType().getUnqualifiedType();
    const auto* record = bare->getAsCXXRecordDecl();
    if (record == nullptr || record->getIdentifier() == nullptr || record->getName() != "Context") return false;
    const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(record->getDeclContext());
    return ns != nullptr && ns->getName() == "bg" &&
           ns->getDeclContext()->getRedeclContext()->isTranslationUnit();
  }

  // --- tasks ---------------------------------------------------------------

  static std::string describe(const clang::Decl* decl) {
    if (llvm::isa<clang::ParmVarDecl>(decl)) return "a parameter";
    if (llvm::isa<clang::FieldDecl>(decl)) return "a data member";
    if (llvm::isa<clang::VarDecl>(decl)) return "a variable";
    if (llvm::isa<clang::EnumDecl>(decl)) return "an enumeration";
    if (llvm::isa<clang::EnumConstantDecl>(decl)) return "an enumerator";
    if (llvm::isa<clang::RecordDecl>(decl)) return "a class";
    if (llvm::isa<clang::NamespaceDecl>(decl)) return "a namespace";
    if (llvm::isa<clang::TypedefNameDecl>(decl)) return "a type alias";
    return std::string("a declaration of kind '") + decl->getDeclKindName() + "'";
  }

  void collect_task(clang::FunctionDecl* function, const clang::AnnotateAttr* annotate,
                    std::vector<PolicyAttribute> policies) {
    Task task;
    task.policies = std::move(policies);
    llvm::SmallString<128> usr;
    clang::index::generateUSRForDecl(function, usr);
    task.usr = std::string(usr.str());
    task.short_name = function->getNameAsString();
    task.function = function->getQualifiedNameAsString();
    task.attribute_pos = position(annotate->getLocation());
    task.pos = position(function->getLocation());

    llvm::StringRef annotation = annotate->getAnnotation().drop_front(kTaskAnnotation.size());
    if (annotation.consume_front("=")) {
      task.name = annotation.str();
      task.explicit_name = true;
    } else {
      task.name = task.short_name;
      if (annotation.consume_front("!")) task.bad_argument = annotation.str();
    }

    const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(function);
    task.is_nonstatic_member = method != nullptr && !method->isStatic();
    task.is_static_member = method != nullptr && method->isStatic();
    if (method != nullptr) task.enclosing_class = method->getParent()->getQualifiedNameAsString();
    task.is_template = function->isTemplated() ||
                       function->getTemplatedKind() != clang::FunctionDecl::TK_NonTemplate;
    task.internal_linkage = !function->isExternallyVisible();
    task.variadic = function->isVariadic();
    task.is_consteval = function->isConsteval();

    for (const clang::DeclContext* dc = function->getDeclContext(); dc != nullptr; dc = dc->getParent()) {
      if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(dc))
        task.namespaces.insert(task.namespaces.begin(), {ns->getNameAsString(), ns->isInline()});
    }

    for (const auto* redecl : function->redecls()) {
      if (!in_main_file(redecl->getLocation())) {
        task.declared_in_header = true;
        if (auto header = include_for(redecl); !header.empty()) task.includes.insert(header);
        break;
      }
    }
    if (task.is_static_member) {
      if (auto header = include_for(method->getParent()); !header.empty()) {
        task.includes.insert(header);
        task.declared_in_header = true;
      } else {
        task.declared_in_header = false;
      }
    }

    if (!task.is_template && !task.is_nonstatic_member) {
      task.return_type = spell(function->getReturnType());
      classify_result(function, task);
      if (const auto* proto = function->getType()->getAs<clang::FunctionProtoType>())
        task.is_noexcept = proto->isNothrow();
      collect_params(function, task);
    }
    out_.tasks.push_back(std::move(task));
  }

  void collect_params(const clang::FunctionDecl* function, Task& task) {
    unsigned index = 0;
    for (const auto* param : function->parameters()) {
      clang::QualType type = param->getType();
      if (is_context(type)) {
        const clang::SourceLocation where = param->getLocation().isValid() ? param->getLocation() : param->getBeginLoc();
        const auto* ref = type->getAs<clang::LValueReferenceType>();
        if (index != 0) {
          task.bad_context = "takes bg::Context as parameter " + std::to_string(index + 1) +
                             "; the runtime passes it only as the first parameter: move it first";
          task.bad_context_pos = position(where);
        } else if (ref != nullptr && !ref->getPointeeType().isConstQualified()) {
          task.bad_context = "takes '" + spell(type) +
                             "', a non-const reference, but the runtime passes each run a bg::Context of its "
                             "own; take 'const bg::Context&' or 'bg::Context'";
          task.bad_context_pos = position(where);
        } else {
          task.takes_context = true;
          task.context_type = spell(type);
        }
        ++index;
        continue;
      }
      ++index;
      Param p;
      p.named = !param->getName().empty();
      p.name = p.named ? param->getNameAsString() : "arg" + std::to_string(task.params.size() + 1);
      p.pos = position(param->getLocation().isValid() ? param->getLocation() : param->getBeginLoc());
      p.declared_type = spell(type);
      p.declared_pattern = declarator_pattern(type);
      p.default_text = default_text(param);

      clang::QualType stored = type.getNonReferenceType().getUnqualifiedType();
      if (const auto* ref = type->getAs<clang::LValueReferenceType>()) {
        p.passing = ref->getPointeeType().isConstQualified() ? Passing::const_lvalue : Passing::mutable_lvalue;
      } else if (type->isRValueReferenceType()) {
        p.passing = Passing::rvalue;
      }
      p.stored_type = spell(stored);
      find_dangling(stored, p, 0);
      p.movable = movable(stored, param->getLocation());
      p.json = classify(stored);

      std::vector<const clang::NamedDecl*> decls;
      referenced_decls(type, decls);
      for (const auto* decl : decls) {
        if (in_main_file(decl->getLocation())) {
          if (p.type_in_source_file.empty()) p.type_in_source_file = decl->getQualifiedNameAsString();
        } else if (auto header = include_for(decl); !header.empty()) {
          task.includes.insert(header);
        }
      }
      task.params.push_back(std::move(p));
    }
  }

  clang::CompilerInstance& compiler_;
  Model& out_;
  const std::vector<std::string>& stubs_;
  clang::ASTContext* context_ = nullptr;
  std::unique_ptr<clang::PrintingPolicy> policy_;
};

}  // namespace

std::unique_ptr<clang::ASTConsumer> make_collector(clang::CompilerInstance& compiler, Model& out,
                                                   const std::vector<std::string>& stubs) {
  return std::make_unique<Collector>(compiler, out, stubs);
}

void record_inputs(const clang::SourceManager& sources, const std::vector<std::string>& stubs, Model& out) {
  auto& files = sources.getFileManager();
  for (auto it = sources.fileinfo_begin(); it != sources.fileinfo_end(); ++it) {
    llvm::SmallString<256> path(it->getFirst()->getName());
    files.makeAbsolutePath(path);
    llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
    if (std::find(stubs.begin(), stubs.end(), path.str()) != stubs.end()) continue;
    if (!llvm::sys::fs::exists(path)) continue;  // virtual files
    out.inputs.insert(std::string(path.str()));
  }
}

}  // namespace bg::gen
