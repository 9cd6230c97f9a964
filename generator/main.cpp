// bg-gen: reads C++ sources, finds the [[bg::task]] functions and writes typed
// entry points and the task registry for them. Only options and the choice of
// mode live here; see src/driver.hpp for the modes and src/ for the phases.
//
//   bg-gen [-o DIR] [-p BUILD_DIR] SOURCES... [-- FLAGS]     sources -> outputs
//   bg-gen --scan=FRAGMENT [-p BUILD_DIR] SOURCE [-- FLAGS]  one source -> fragment
//   bg-gen --merge [-o DIR] [--stamp=FILE] FRAGMENTS...      fragments -> outputs
//   bg-gen --fragments=DIR --stamp=FILE [-p BUILD_DIR] SOURCES...
//                                                            incremental, one step per target
#include <clang/Tooling/CommonOptionsParser.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "src/database.hpp"
#include "src/driver.hpp"
#include "src/version.hpp"

namespace cl = llvm::cl;

static cl::OptionCategory category("bg-gen options");

static cl::opt<std::string> output_dir("o", cl::desc("Directory for the outputs (default: .)"),
                                       cl::value_desc("OUTPUT_DIR"), cl::init("."), cl::cat(category));
static cl::opt<std::string> basename_opt("basename",
                                         cl::desc("Outputs are NAME.hpp, .cpp, .json, .d (default: bg_tasks)"),
                                         cl::value_desc("NAME"), cl::init("bg_tasks"), cl::cat(category));
static cl::opt<std::string> namespace_name("namespace", cl::desc("Namespace of the task objects (default: tasks)"),
                                           cl::init("tasks"), cl::cat(category));
static cl::opt<std::string> root_dir("root",
                                     cl::desc("Project root: files in the manifest and registry are relative to "
                                              "it (default: the current directory)"),
                                     cl::value_desc("DIR"), cl::cat(category));
static cl::opt<std::string> export_macro("export-macro",
                                         cl::desc("Macro that exports the generated functions from a shared "
                                                  "library (default: default visibility)"),
                                         cl::value_desc("MACRO"), cl::cat(category));
static cl::opt<std::string> export_header("export-header",
                                          cl::desc("Header that defines --export-macro, as #include spells it: "
                                                   "\"mylib_export.h\" or <mylib/export.h>"),
                                          cl::value_desc("HEADER"), cl::cat(category));
static cl::list<std::string> stubs("stub",
                                   cl::desc("Another generated header to read as empty while parsing (repeatable); "
                                            "OUTPUT_DIR/NAME.hpp always is"),
                                   cl::value_desc("PATH"), cl::cat(category));
static cl::opt<std::string> scan_fragment("scan",
                                          cl::desc("Per-source step: parse the one SOURCE and write its model "
                                                   "fragment to FILE and its dependencies to FILE.d"),
                                          cl::value_desc("FILE"), cl::cat(category));
static cl::opt<std::string> fragment_dir("fragments",
                                         cl::desc("Build step per target: keep one fragment per source in DIR, "
                                                  "rescan only sources whose files changed, then write the "
                                                  "outputs, BASENAME.d and --stamp"),
                                         cl::value_desc("DIR"), cl::cat(category));
static cl::opt<bool> merge_mode("merge",
                                cl::desc("Merge step: the arguments are fragments written by --scan; check them "
                                         "and write the outputs"),
                                cl::cat(category));
static cl::opt<std::string> target_name("target",
                                        cl::desc("With --merge: the build target, named in the warning when it "
                                                 "declares no task"),
                                        cl::value_desc("NAME"), cl::cat(category));
static cl::opt<std::string> stamp("stamp", cl::desc("With --merge: touch FILE after every successful merge"),
                                  cl::value_desc("FILE"), cl::cat(category));
static cl::opt<std::string> object_dir("object-dir",
                                       cl::desc("A source without its own compile command borrows one whose "
                                                "object goes to DIR (a unity build's target directory)"),
                                       cl::value_desc("DIR"), cl::cat(category));
static cl::opt<bool> no_prescan("no-prescan",
                                cl::desc("Parse every source in full, even one in which no [[bg::]] attribute "
                                         "survives preprocessing"),
                                cl::cat(category));
static cl::opt<unsigned> jobs("j", cl::desc("Translation units parsed in parallel (default: the number of cores)"),
                              cl::init(0), cl::cat(category));
static cl::opt<std::string> resource_dir("resource-dir",
                                         cl::desc("Clang's builtin headers (default: found next to the Clang "
                                                  "libraries bg-gen runs with)"),
                                         cl::value_desc("DIR"), cl::cat(category));
static cl::opt<bool> verbose("v", cl::desc("Say which outputs were written and which were unchanged"),
                             cl::cat(category));
static cl::extrahelp more_help(
    "\nbg-gen [-o DIR] [-p BUILD_DIR] SOURCES... [-- COMPILER FLAGS]\n"
    "bg-gen --scan=FRAGMENT [-p BUILD_DIR] SOURCE [-- COMPILER FLAGS]\n"
    "bg-gen --merge [-o DIR] [--stamp=FILE] FRAGMENTS...\n"
    "bg-gen --fragments=DIR --stamp=FILE [-o DIR] [-p BUILD_DIR] SOURCES... [-- COMPILER FLAGS]\n\n"
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

bg::gen::DriverOptions driver_options() {
  bg::gen::DriverOptions options;
  options.emit.namespace_name = namespace_name;
  options.emit.root = absolute(root_dir.empty() ? std::filesystem::current_path().string() : std::string(root_dir));
  options.emit.output_dir = absolute(output_dir);
  options.emit.basename = basename_opt;
  options.emit.export_macro = export_macro;
  options.emit.export_header = export_header;
  options.verbose = verbose;
  options.target = target_name;
  options.parse.stubs.push_back(absolute(options.emit.output_dir + "/" + basename_opt + ".hpp"));
  for (const auto& stub : stubs) options.parse.stubs.push_back(absolute(stub));
  options.parse.jobs = jobs != 0 ? static_cast<unsigned>(jobs) : std::max(1u, std::thread::hardware_concurrency());
  options.parse.prescan = !no_prescan;
  return options;
}

void print_version(llvm::raw_ostream& os) {
  os << "bg-gen " << bg::gen::kBgGenVersion << " (bgtasks runtime revision " << bg::gen::kRuntimeRevision << ")\n";
}

/// --merge reads fragments, not sources: no compilation database, so the
/// command line is parsed without CommonOptionsParser.
int run_merge(int argc, const char** argv) {
  static cl::list<std::string> fragments(cl::Positional, cl::desc("FRAGMENTS..."), cl::OneOrMore);
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(argc, argv, "bg-gen --merge", &llvm::errs())) return 2;
  return bg::gen::merge(std::vector<std::string>(fragments.begin(), fragments.end()), driver_options(),
                        stamp.empty() ? std::string() : absolute(stamp));
}

}  // namespace

int main(int argc, const char** argv) {
  cl::SetVersionPrinter(print_version);
  for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i)
    if (std::strcmp(argv[i], "--merge") == 0 || std::strcmp(argv[i], "-merge") == 0) return run_merge(argc, argv);

  auto parser = clang::tooling::CommonOptionsParser::create(argc, argv, category, cl::OneOrMore);
  if (!parser) {
    llvm::errs() << "bg-gen: " << llvm::toString(parser.takeError()) << "\n";
    return 2;
  }
  auto options = driver_options();
  options.parse.resource_dir = resource_dir.empty() ? bg::gen::find_resource_dir() : std::string(resource_dir);
  if (options.parse.resource_dir.empty()) {
    llvm::errs() << "bg-gen: error: cannot find Clang's builtin headers (include/stddef.h) next to the Clang "
                    "libraries; pass --resource-dir=DIR (clang++ -print-resource-dir prints it)\n";
    return 2;
  }
  for (const auto& source : parser->getSourcePathList()) {
    if (!llvm::sys::fs::exists(source)) {
      llvm::errs() << "bg-gen: error: no such source file '" << source << "'\n";
      return 2;
    }
    options.parse.sources.push_back(absolute(source));
  }
  bg::gen::TargetDatabase database(parser->getCompilations(), object_dir.empty() ? "" : absolute(object_dir));

  if (!scan_fragment.empty()) {
    if (options.parse.sources.size() != 1) {
      llvm::errs() << "bg-gen: error: --scan takes exactly one source, got " << options.parse.sources.size()
                   << "\n";
      return 2;
    }
    return bg::gen::scan(database, options, absolute(scan_fragment));
  }
  if (!fragment_dir.empty()) {
    if (stamp.empty()) {
      llvm::errs() << "bg-gen: error: --fragments needs --stamp=FILE, the build step's output\n";
      return 2;
    }
    return bg::gen::update(database, options, absolute(fragment_dir), absolute(stamp));
  }
  return bg::gen::generate(database, options);
}
