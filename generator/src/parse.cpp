#include "parse.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <clang/Basic/DiagnosticIDs.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Basic/Version.h>
#include <clang/Driver/Options.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Lex/Lexer.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/CompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Option/ArgList.h>
#include <llvm/Option/OptTable.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include "attribute.hpp"
#include "collect.hpp"
#include "prescan.hpp"

#ifndef BG_GEN_CLANG_RESOURCE_DIR
#define BG_GEN_CLANG_RESOURCE_DIR ""
#endif

namespace bg::gen {
namespace {

constexpr const char* kStubHeader =
    "// Stand-in for the generated header while bg-gen reads the sources that\n"
    "// include it: it may not exist yet, or be stale. Declares nothing.\n"
    "#pragma once\n";

/// Receives Clang's diagnostics for one translation unit: keeps errors (as
/// Clang would print them), turns "unknown attribute ignored" for bg::
/// attributes into model entries, and drops other warnings: bg-gen reports
/// on tasks, and the compiler reports on the rest of the code.
class DiagnosticCollector final : public clang::DiagnosticConsumer {
 public:
  explicit DiagnosticCollector(Model& model)
      : model_(model), stream_(errors_), printer_(stream_, options_.get()) {
    options_->ShowColors = false;
  }

  void BeginSourceFile(const clang::LangOptions& lang, const clang::Preprocessor* pp) override {
    printer_.BeginSourceFile(lang, pp);
  }
  void EndSourceFile() override { printer_.EndSourceFile(); }

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    // A note belongs to the diagnostic before it: kept with errors, dropped
    // with everything else.
    if (level != clang::DiagnosticsEngine::Note) last_was_error_ = level >= clang::DiagnosticsEngine::Error;
    if (info.getID() == clang::diag::warn_unknown_attribute_ignored && info.hasSourceManager()) {
      record_unknown_attribute(info);
      return;
    }
    if (!last_was_error_) return;
    DiagnosticConsumer::HandleDiagnostic(level, info);
    printer_.HandleDiagnostic(level, info);
  }

  std::string take_errors() {
    stream_.flush();
    return std::move(errors_);
  }

 private:
  /// Clang names the attribute without its namespace and points at the
  /// namespace ("bg" in bg::tsak); the source text tells which it was.
  void record_unknown_attribute(const clang::Diagnostic& info) {
    const auto& sm = info.getSourceManager();
    auto loc = sm.getExpansionLoc(info.getLocation());
    bool invalid = false;
    llvm::StringRef buffer = sm.getBufferData(sm.getFileID(loc), &invalid);
    if (invalid) return;
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    unsigned offset = sm.getFileOffset(loc);
    if (offset > 0 && is_word(buffer[offset - 1])) return;  // inside a longer word
    llvm::StringRef rest = buffer.substr(offset);
    if (!rest.consume_front("bg") || rest.empty() || is_word(rest.front())) return;
    rest = rest.ltrim();
    if (!rest.consume_front("::")) return;
    rest = rest.ltrim();
    size_t length = 0;
    while (length < rest.size() && is_word(rest[length])) ++length;
    if (length == 0) return;
    auto presumed = sm.getPresumedLoc(loc);
    model_.unknown.push_back({{presumed.getFilename(), presumed.getLine(), presumed.getColumn()},
                              rest.substr(0, length).str()});
  }

  Model& model_;
  std::string errors_;
  llvm::raw_string_ostream stream_;
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> options_ = new clang::DiagnosticOptions;
  clang::TextDiagnosticPrinter printer_;
  bool last_was_error_ = false;
};

class CollectAction final : public clang::ASTFrontendAction {
 public:
  CollectAction(Model& model, const std::vector<std::string>& stubs) : model_(model), stubs_(stubs) {}

  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler,
                                                        llvm::StringRef) override {
    // Tasks are declarations; bodies are never needed, and skipping them also
    // keeps calls to tasks::... in bodies from being looked at while the
    // generated header is only a stand-in.
    compiler.getFrontendOpts().SkipFunctionBodies = true;
    return make_collector(compiler, model_, stubs_);
  }

 private:
  Model& model_;
  const std::vector<std::string>& stubs_;
};

class CollectActionFactory final : public clang::tooling::FrontendActionFactory {
 public:
  CollectActionFactory(Model& model, const std::vector<std::string>& stubs) : model_(model), stubs_(stubs) {}
  std::unique_ptr<clang::FrontendAction> create() override { return std::make_unique<CollectAction>(model_, stubs_); }

 private:
  Model& model_;
  const std::vector<std::string>& stubs_;
};

struct UnitResult {
  Model model;
  std::string errors;
  unsigned error_count = 0;
  bool parsed = false;  ///< parsed in full, not only preprocessed
};

/// Parses `source` with bg-gen's adjustments into `result`: its model and
/// Clang's errors.
void parse_in_full(const clang::tooling::CompilationDatabase& database, const std::string& source,
                   const ParseOptions& options, UnitResult& result) {
  clang::tooling::ClangTool tool(database, {source});
  for (const auto& stub : options.stubs) tool.mapVirtualFile(stub, kStubHeader);
  tool.appendArgumentsAdjuster([&](const clang::tooling::CommandLineArguments& command, llvm::StringRef) {
    return adjust_command(command, options.resource_dir, options.stubs);
  });
  DiagnosticCollector diagnostics(result.model);
  tool.setDiagnosticConsumer(&diagnostics);
  tool.setPrintErrorMessage(false);
  CollectActionFactory factory(result.model, options.stubs);
  int status = tool.run(&factory);
  result.errors = diagnostics.take_errors();
  result.error_count = diagnostics.getNumErrors();
  if (status != 0 && result.error_count == 0) {
    result.errors += "error: bg-gen could not run Clang on '" + source +
                     "' (no compile command, or the file cannot be read)\n";
    result.error_count = 1;
  }
}

UnitResult parse_one(const clang::tooling::CompilationDatabase& database, const std::string& source,
                     const ParseOptions& options, PrescanCache& cache) {
  if (options.prescan) {
    auto commands = database.getCompileCommands(source);
    if (!commands.empty()) {
      // The command as ClangTool would run it, then as bg-gen adjusts it.
      auto command = commands.front().CommandLine;
      for (const auto& adjuster : {clang::tooling::getClangStripOutputAdjuster(),
                                   clang::tooling::getClangStripDependencyFileAdjuster(),
                                   clang::tooling::getClangSyntaxOnlyAdjuster()})
        command = adjuster(command, source);
      auto scan = prescan(cache, adjust_command(command, options.resource_dir, options.stubs), commands.front().Directory,
                          options.stubs);
      // No attribute in any file read: nothing to parse. A failure (a
      // missing header, say) is reported by the full parse, as the compiler
      // would report it.
      if (!scan.failed && !scan.may_declare_tasks) {
        UnitResult skipped;
        skipped.model.inputs.insert(scan.files.begin(), scan.files.end());
        return skipped;
      }
    }
  }
  UnitResult result;
  result.parsed = true;
  parse_in_full(database, source, options, result);
  return result;
}

bool has_builtin_headers(llvm::StringRef dir) {
  if (dir.empty()) return false;
  llvm::SmallString<256> probe(dir);
  llvm::sys::path::append(probe, "include", "stddef.h");
  return llvm::sys::fs::exists(probe);
}

/// A flag as Clang 16 spells it: GCC and CMake say -std=c++23 (and
/// gnu++23), which Clang 16 knows as c++2b; newer standards fall back to the
/// newest Clang 16 has.
std::string clang_spelling(const std::string& flag) {
  llvm::StringRef f(flag);
  if (!f.consume_front("-std=")) return flag;
  for (llvm::StringRef dialect : {"c++", "gnu++"}) {
    llvm::StringRef year = f;
    if (year.consume_front(dialect) && (year == "23" || year == "26" || year == "2c"))
      return "-std=" + dialect.str() + "2b";
  }
  return flag;
}

}  // namespace

std::string find_resource_dir() {
  // The headers belong to the Clang that bg-gen links, which Debian installs
  // as <prefix>/lib/libclang-cpp.so.N with <prefix>/lib/clang/N beside it.
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&clang::tooling::runToolOnCode), &info) != 0 && info.dli_fname != nullptr) {
    llvm::SmallString<256> real;
    if (!llvm::sys::fs::real_path(info.dli_fname, real)) {
      llvm::SmallString<256> dir(llvm::sys::path::parent_path(real));
      llvm::sys::path::append(dir, "clang", std::to_string(CLANG_VERSION_MAJOR));
      if (has_builtin_headers(dir)) return std::string(dir.str());
    }
  }
  if (has_builtin_headers(BG_GEN_CLANG_RESOURCE_DIR)) return BG_GEN_CLANG_RESOURCE_DIR;
  return {};
}

std::vector<std::string> adjust_command(const std::vector<std::string>& command, const std::string& resource_dir,
                                        const std::vector<std::string>& stubs) {
  if (command.empty()) return command;
  // Ask Clang's driver which arguments it does not know; a GCC-only flag in
  // a build's flags must not stop bg-gen.
  std::vector<const char*> argv;
  for (size_t i = 1; i < command.size(); ++i) argv.push_back(command[i].c_str());
  unsigned missing_index = 0;
  unsigned missing_count = 0;
  llvm::opt::InputArgList parsed = clang::driver::getDriverOptTable().ParseArgs(argv, missing_index, missing_count);
  std::vector<bool> drop(command.size(), false);
  for (const llvm::opt::Arg* arg : parsed) {
    if (arg->getOption().getKind() == llvm::opt::Option::UnknownClass) drop[arg->getIndex() + 1] = true;
  }

  std::vector<std::string> out;
  bool has_resource_dir = false;
  bool has_std = false;
  for (size_t i = 0; i < command.size(); ++i) {
    if (drop[i]) continue;
    llvm::StringRef a(command[i]);
    // A compiled PCH may not exist yet when bg-gen runs (it is built with the
    // target's objects), and is the compiler's cache anyway: bg-gen reads the
    // header's text, which CMake also passes with -include.
    if (a == "-include-pch") {
      ++i;
      continue;
    }
    if (a == "-Xclang" && i + 1 < command.size() && command[i + 1] == "-include-pch") {
      i += (i + 3 < command.size() && command[i + 2] == "-Xclang") ? 3 : 2;
      continue;
    }
    if (a == "-w") continue;  // would hide the unknown-attribute warnings bg-gen reads
    if (a.startswith("-resource-dir")) has_resource_dir = true;
    if (a.startswith("-std=") || a.startswith("--std")) has_std = true;
    out.push_back(clang_spelling(command[i]));
  }
  // Options may follow the input file, but not a "--" (after which every
  // argument is an input, as interpolated commands have it): insert there.
  std::vector<std::string> inputs;
  if (auto dashes = std::find(out.begin(), out.end(), "--"); dashes != out.end()) {
    inputs.assign(dashes, out.end());
    out.erase(dashes, out.end());
  }
  if (!has_resource_dir && !resource_dir.empty()) out.push_back("-resource-dir=" + resource_dir);
  if (!has_std) out.push_back("-std=c++20");  // bgtasks needs C++20; Clang 16 defaults to C++17
  out.push_back("-DBG_GEN=1");
  out.push_back("-Wno-error");
  out.push_back("-Wno-unknown-warning-option");
  out.push_back("-Wunknown-attributes");
  out.push_back("-ferror-limit=0");
  // Clang's own "N errors generated." would come before the errors, which
  // bg-gen prints itself (with carets: its printer has its own options), so
  // the first line a user reads is the first error.
  out.push_back("-fno-caret-diagnostics");
  // A generated header is found even where the include path lacks its
  // directory (the build adds it to the target only for the compiler).
  std::set<std::string> stub_dirs;
  for (const auto& stub : stubs) stub_dirs.insert(std::string(llvm::sys::path::parent_path(stub)));
  for (const auto& dir : stub_dirs) out.push_back("-idirafter" + dir);
  out.insert(out.end(), inputs.begin(), inputs.end());
  return out;
}

ParseResult parse_each(const clang::tooling::CompilationDatabase& database, const ParseOptions& options) {
  register_task_attribute();
  PrescanCache cache;
  std::vector<UnitResult> units(options.sources.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < units.size(); i = next++) units[i] = parse_one(database, options.sources[i], options, cache);
  };
  unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(units.size())));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();

  // In the order the sources were given, whichever thread finished first.
  ParseResult result;
  for (auto& unit : units) {
    result.units.push_back(std::move(unit.model));
    result.clang_errors += unit.errors;
    result.error_count += unit.error_count;
    result.parsed += unit.parsed ? 1 : 0;
  }
  return result;
}

ParseResult parse_sources(const clang::tooling::CompilationDatabase& database, const ParseOptions& options) {
  ParseResult result = parse_each(database, options);
  for (auto& unit : result.units) merge(result.model, std::move(unit));
  result.units.clear();
  normalize(result.model);
  return result;
}

}  // namespace bg::gen
