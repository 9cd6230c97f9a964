#include "driver.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <llvm/Support/raw_ostream.h>

#include "check.hpp"
#include "model_json.hpp"
#include "output.hpp"

namespace bg::gen {
namespace {

/// Clang's errors as Clang prints them, then one line of bg-gen's.
int report_clang_errors(const ParseResult& parsed) {
  llvm::errs() << parsed.clang_errors << "bg-gen: " << parsed.error_count
               << " error(s) while parsing; the outputs are left unchanged\n";
  return 1;
}

/// Checks the model, prints what the checks found (paths as a compiler
/// prints them: relative to the working directory when inside it), and says
/// whether generation may go on.
bool checked(const Model& model) {
  auto diagnostics = check(model);
  if (diagnostics.empty()) return true;
  const std::string cwd = std::filesystem::current_path().string();
  for (auto& d : diagnostics) {
    d.pos.file = relative_to(d.pos.file, cwd);
    for (auto& n : d.notes) n.pos.file = relative_to(n.pos.file, cwd);
  }
  const size_t errors = error_count(diagnostics);
  llvm::errs() << render(diagnostics);
  if (errors == 0) return true;
  llvm::errs() << errors << (errors == 1 ? " error" : " errors") << " generated; bg-gen left the outputs unchanged.\n";
  return false;
}

int write_outputs(const Model& model, const DriverOptions& options, bool with_depfile) {
  try {
    auto files = emit(model, options.emit);
    if (!with_depfile) files.erase(options.emit.basename + ".d");
    auto written = write_changed(options.emit.output_dir, files);
    if (options.verbose) {
      for (const auto& [name, changed] : written)
        llvm::outs() << (changed ? "wrote     " : "unchanged ") << options.emit.output_dir << "/" << name << "\n";
      llvm::outs() << model.tasks.size() << " task(s)\n";
    }
  } catch (const std::exception& e) {
    llvm::errs() << e.what() << "\n";
    return 2;
  }
  return 0;
}

/// Writes `text` to `path` through a temporary and a rename: a build that is
/// interrupted never leaves half a fragment.
bool write_file(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return false;
  }
  fs::rename(temporary, path, ec);
  return !ec;
}

}  // namespace

int generate(const clang::tooling::CompilationDatabase& database, const DriverOptions& options) {
  auto parsed = parse_sources(database, options.parse);
  if (parsed.error_count > 0) return report_clang_errors(parsed);
  if (!checked(parsed.model)) return 1;
  return write_outputs(parsed.model, options, /*with_depfile=*/true);
}

int scan(const clang::tooling::CompilationDatabase& database, const DriverOptions& options,
         const std::string& fragment) {
  auto parsed = parse_sources(database, options.parse);
  if (parsed.error_count > 0) return report_clang_errors(parsed);
  normalize(parsed.model);
  // The depfile first: a fragment without one would not be rerun when a
  // header changes.
  std::string depfile = depfile_escape(fragment) + ":";
  for (const auto& input : parsed.model.inputs) depfile += " \\\n  " + depfile_escape(input);
  if (!write_file(fragment + ".d", depfile + "\n") || !write_file(fragment, to_fragment(parsed.model))) {
    llvm::errs() << "bg-gen: error: cannot write '" << fragment << "'\n";
    return 2;
  }
  if (options.verbose)
    llvm::outs() << fragment << ": " << parsed.model.tasks.size() << " task(s)"
                 << (parsed.parsed == 0 ? ", no [[bg::]] attribute in any file it reads" : "") << "\n";
  return 0;
}

int merge(const std::vector<std::string>& fragments, const DriverOptions& options, const std::string& stamp) {
  Model model;
  for (const auto& path : fragments) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      llvm::errs() << "bg-gen: error: cannot read fragment '" << path << "'\n";
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
      merge(model, from_fragment(text.str(), path));
    } catch (const std::exception& e) {
      llvm::errs() << e.what() << "\n";
      return 2;
    }
  }
  normalize(model);
  if (!checked(model)) return 1;
  if (model.tasks.empty() && !options.target.empty())
    llvm::errs() << "bg-gen: warning: no source of '" << options.target << "' declares a [[bg::task]] (" << fragments.size()
                 << " read); its registry is empty. Annotate a function, or drop bg_generate_tasks(" << options.target
                 << ")\n";
  if (int status = write_outputs(model, options, /*with_depfile=*/false); status != 0) return status;
  if (!stamp.empty() && !write_file(stamp, std::to_string(model.tasks.size()) + " task(s)\n")) {
    llvm::errs() << "bg-gen: error: cannot write '" << stamp << "'\n";
    return 2;
  }
  return 0;
}

}  // namespace bg::gen
