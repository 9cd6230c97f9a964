// bg-gen: reads C++ sources, finds the [[bg::task]] functions and writes typed
// entry points and the task registry for them. Only options and the order of
// the phases live here; see src/ for parse, check and emit.
#include <clang/Tooling/CommonOptionsParser.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <filesystem>
#include <thread>

#include "src/check.hpp"
#include "src/emit.hpp"
#include "src/output.hpp"
#include "src/parse.hpp"
#include "src/version.hpp"

namespace cl = llvm::cl;

static cl::OptionCategory category("bg-gen options");

static cl::opt<std::string> output_dir("o", cl::desc("Directory for bg_tasks.{hpp,cpp,json,d} (default: .)"),
                                       cl::value_desc("OUTPUT_DIR"), cl::init("."), cl::cat(category));
static cl::opt<std::string> namespace_name("namespace", cl::desc("Namespace of the task objects (default: tasks)"),
                                           cl::init("tasks"), cl::cat(category));
static cl::opt<std::string> root_dir("root",
                                     cl::desc("Project root: files in the manifest and registry are relative to "
                                              "it (default: the current directory)"),
                                     cl::value_desc("DIR"), cl::cat(category));
static cl::opt<unsigned> jobs("j", cl::desc("Translation units parsed in parallel (default: the number of cores)"),
                              cl::init(0), cl::cat(category));
static cl::opt<std::string> resource_dir("resource-dir",
                                         cl::desc("Clang's builtin headers (default: found next to the Clang "
                                                  "libraries bg-gen runs with)"),
                                         cl::value_desc("DIR"), cl::cat(category));
static cl::opt<bool> verbose("v", cl::desc("Say which outputs were written and which were unchanged"),
                             cl::cat(category));
static cl::extrahelp more_help(
    "\nbg-gen [-o OUTPUT_DIR] [-p BUILD_DIR] SOURCES... [-- COMPILER FLAGS]\n\n"
    "Compile flags come from BUILD_DIR/compile_commands.json (-p) or follow '--'.\n"
    "Outputs are written only when their content changes. On any error in the\n"
    "annotated code bg-gen prints it, exits 1 and leaves every output alone.\n");

namespace {

std::string absolute(const std::string& path) {
  llvm::SmallString<256> p(path);
  llvm::sys::fs::make_absolute(p);
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true);
  return std::string(p.str());
}

}  // namespace

int main(int argc, const char** argv) {
  cl::SetVersionPrinter([](llvm::raw_ostream& os) {
    os << "bg-gen " << bg::gen::kBgGenVersion << " (bgtasks runtime revision " << bg::gen::kRuntimeRevision
       << ")\n";
  });
  auto parser = clang::tooling::CommonOptionsParser::create(argc, argv, category, cl::OneOrMore);
  if (!parser) {
    llvm::errs() << "bg-gen: " << llvm::toString(parser.takeError()) << "\n";
    return 2;
  }

  bg::gen::ParseOptions options;
  options.output_dir = absolute(output_dir);
  options.resource_dir = resource_dir.empty() ? bg::gen::find_resource_dir() : std::string(resource_dir);
  if (options.resource_dir.empty()) {
    llvm::errs() << "bg-gen: error: cannot find Clang's builtin headers (include/stddef.h) next to the Clang "
                    "libraries; pass --resource-dir=DIR (clang++ -print-resource-dir prints it)\n";
    return 2;
  }
  options.jobs = jobs != 0 ? static_cast<unsigned>(jobs) : std::max(1u, std::thread::hardware_concurrency());
  for (const auto& source : parser->getSourcePathList()) {
    if (!llvm::sys::fs::exists(source)) {
      llvm::errs() << "bg-gen: error: no such source file '" << source << "'\n";
      return 2;
    }
    options.sources.push_back(absolute(source));
  }

  auto parsed = bg::gen::parse_sources(parser->getCompilations(), options);
  if (parsed.error_count > 0) {
    llvm::errs() << parsed.clang_errors << "bg-gen: " << parsed.error_count
                 << " error(s) while parsing; the outputs are left unchanged\n";
    return 1;
  }

  // Paths in diagnostics as a compiler would print them: relative to where
  // bg-gen runs, when inside it.
  auto diagnostics = bg::gen::check(parsed.model);
  if (!diagnostics.empty()) {
    const std::string cwd = std::filesystem::current_path().string();
    for (auto& d : diagnostics) {
      d.pos.file = bg::gen::relative_to(d.pos.file, cwd);
      for (auto& n : d.notes) n.pos.file = bg::gen::relative_to(n.pos.file, cwd);
    }
    llvm::errs() << bg::gen::render(diagnostics) << diagnostics.size()
                 << (diagnostics.size() == 1 ? " error" : " errors")
                 << " generated; bg-gen left the outputs unchanged.\n";
    return 1;
  }

  bg::gen::EmitOptions emit_options;
  emit_options.namespace_name = namespace_name;
  emit_options.root = absolute(root_dir.empty() ? std::filesystem::current_path().string() : std::string(root_dir));
  emit_options.output_dir = options.output_dir;
  try {
    auto files = bg::gen::emit(parsed.model, emit_options);
    auto written = bg::gen::write_changed(options.output_dir, files);
    if (verbose) {
      for (const auto& [name, changed] : written)
        llvm::outs() << (changed ? "wrote     " : "unchanged ") << options.output_dir << "/" << name << "\n";
      llvm::outs() << parsed.model.tasks.size() << " task(s)\n";
    }
  } catch (const std::exception& e) {
    llvm::errs() << e.what() << "\n";
    return 2;
  }
  return 0;
}
