#include "driver.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <llvm/Support/raw_ostream.h>

#include <clang/Tooling/CompilationDatabase.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/xxhash.h>

#include <map>

#include "check.hpp"
#include "model_json.hpp"
#include "output.hpp"
#include "prescan.hpp"

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

/// A build target that declares no task is most likely a mistake.
void warn_if_no_task(const Model& model, const DriverOptions& options, size_t sources) {
  if (!model.tasks.empty() || options.target.empty()) return;
  llvm::errs() << "bg-gen: warning: no source of '" << options.target << "' declares a [[bg::task]] (" << sources
               << " read); its registry is empty. Annotate a function, or drop bg_generate_tasks(" << options.target
               << ")\n";
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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The fragment of `source` in `dir`: its file name and a hash of its path,
/// so that two sources named alike in different directories do not collide.
std::string fragment_path(const std::string& dir, const std::string& source) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(llvm::xxHash64(source)));
  return dir + "/" + std::filesystem::path(source).filename().string() + "." + std::string(hash, 8) + ".bgf";
}

/// This bg-gen binary: its size and time. A fragment written by another
/// build of bg-gen (an upgrade, or a fix in how it reads sources) may hold a
/// different model for the same source, so it is stale too.
const std::string& generator_identity() {
  static const std::string identity = [] {
    static int anchor = 0;
    const std::string exe = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
    std::error_code ec;
    const auto size = std::filesystem::file_size(exe, ec);
    const auto time = std::filesystem::last_write_time(exe, ec);
    return exe + "\x1d" + std::to_string(ec ? 0 : size) + "\x1d" +
           std::to_string(ec ? 0 : time.time_since_epoch().count());
  }();
  return identity;
}

/// What a fragment was made with: when it changes, the fragment is stale.
std::string command_key(const clang::tooling::CompilationDatabase& database, const std::string& source,
                        const DriverOptions& options) {
  std::string key = std::to_string(kFragmentVersion) + "\x1d" + generator_identity();
  for (const auto& command : database.getCompileCommands(source))
    for (const auto& arg : command.CommandLine) key += "\x1f" + arg;
  for (const auto& stub : options.parse.stubs) key += "\x1e" + stub;
  return key;
}

/// Whether the fragment at `path` may be reused: it exists, was made with
/// `key`, and no file it lists changed after it was scanned. Those files go
/// to `files`.
bool up_to_date(const std::string& path, const std::string& key,
                std::map<std::string, std::filesystem::file_time_type>& times, std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto scanned = fs::last_write_time(path, ec);
  if (ec || read_file(path + ".key") != key) return false;
  files = dependency_files(read_file(path + ".d"));
  for (const auto& file : files) {
    auto it = times.find(file);
    if (it == times.end()) {
      auto t = fs::last_write_time(file, ec);
      if (ec) return false;  // deleted or renamed: rescan
      it = times.emplace(file, t).first;
    }
    if (it->second > scanned) return false;
  }
  return true;
}

}  // namespace

int update(const clang::tooling::CompilationDatabase& database, const DriverOptions& options,
           const std::string& fragment_dir, const std::string& stamp) {
  namespace fs = std::filesystem;
  // Which sources need a scan.
  std::map<std::string, fs::file_time_type> times;
  DriverOptions stale = options;
  stale.parse.sources.clear();
  std::vector<std::string> keys;
  std::set<std::string> inputs;  // every file any source read: the step's depfile
  for (const auto& source : options.parse.sources) {
    keys.push_back(command_key(database, source, options));
    std::vector<std::string> files;
    if (up_to_date(fragment_path(fragment_dir, source), keys.back(), times, files)) {
      inputs.insert(files.begin(), files.end());
    } else {
      stale.parse.sources.push_back(source);
    }
  }

  // Scan them together (one process, one cache of reduced headers), and
  // store each one's fragment, depfile and key. A fragment's time is when its
  // scan began, so that an edit made during the scan is seen next time.
  if (!stale.parse.sources.empty()) {
    const auto began = fs::file_time_type::clock::now();
    auto scanned = parse_each(database, stale.parse);
    if (scanned.error_count > 0) return report_clang_errors(scanned);
    for (size_t i = 0; i < stale.parse.sources.size(); ++i) {
      const auto& source = stale.parse.sources[i];
      Model& unit = scanned.units[i];
      normalize(unit);
      inputs.insert(unit.inputs.begin(), unit.inputs.end());
      const std::string path = fragment_path(fragment_dir, source);
      std::string depfile = depfile_escape(path) + ":";
      for (const auto& input : unit.inputs) depfile += " \\\n  " + depfile_escape(input);
      const auto index = static_cast<size_t>(std::find(options.parse.sources.begin(), options.parse.sources.end(),
                                                       source) - options.parse.sources.begin());
      if (!write_file(path + ".d", depfile + "\n") || !write_file(path + ".key", keys[index]) ||
          !write_file(path, to_fragment(unit))) {
        llvm::errs() << "bg-gen: error: cannot write '" << path << "'\n";
        return 2;
      }
      std::error_code ec;
      fs::last_write_time(path, began, ec);
    }
    if (options.verbose)
      for (const auto& source : stale.parse.sources) llvm::outs() << "scanned   " << source << "\n";
  }

  // Merge every fragment, then render.
  Model model;
  for (const auto& source : options.parse.sources) {
    const std::string path = fragment_path(fragment_dir, source);
    try {
      merge(model, from_fragment(read_file(path), path));
    } catch (const std::exception& e) {
      llvm::errs() << e.what() << "\n";
      return 2;
    }
  }
  normalize(model);
  if (!checked(model)) return 1;
  warn_if_no_task(model, options, options.parse.sources.size());
  if (int status = write_outputs(model, options, /*with_depfile=*/false); status != 0) return status;
  // The step's depfile: the build reruns it when any file a source read changes.
  std::string depfile = depfile_escape(stamp) + ":";
  for (const auto& input : inputs) depfile += " \\\n  " + depfile_escape(input);
  if (!write_file(options.emit.output_dir + "/" + options.emit.basename + ".d", depfile + "\n") ||
      !write_file(stamp, std::to_string(model.tasks.size()) + " task(s)\n")) {
    llvm::errs() << "bg-gen: error: cannot write '" << stamp << "'\n";
    return 2;
  }
  return 0;
}

int generate(const clang::tooling::CompilationDatabase& database, const DriverOptions& options) {
  auto parsed = parse_sources(database, options.parse);
  if (parsed.error_count > 0) return report_clang_errors(parsed);
  if (!checked(parsed.model)) return 1;
  return write_outputs(parsed.model, options, /*with_depfile=*/true);
}

int scan(const clang::tooling::CompilationDatabase& database, const DriverOptions& options,
         const std::string& fragment) {
  auto parsed = parse_sources(database, options.parse);  // merged and normalized
  if (parsed.error_count > 0) return report_clang_errors(parsed);
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
  warn_if_no_task(model, options, fragments.size());
  if (int status = write_outputs(model, options, /*with_depfile=*/false); status != 0) return status;
  if (!stamp.empty() && !write_file(stamp, std::to_string(model.tasks.size()) + " task(s)\n")) {
    llvm::errs() << "bg-gen: error: cannot write '" << stamp << "'\n";
    return 2;
  }
  return 0;
}

}  // namespace bg::gen
