// The three ways bg-gen runs, over the phases in parse, check and emit:
//   generate  sources -> outputs, in one process (direct use, tests)
//   scan      one source -> its model fragment and depfile (a build step per source)
//   merge     fragments -> outputs (one cheap build step per target)
//   update    sources -> outputs through a directory of fragments, one per
//             source, rescanning only sources whose files changed (the
//             build's step: one per target, as CMake's AUTOMOC)
#pragma once

#include <string>
#include <vector>

#include "emit.hpp"
#include "parse.hpp"

namespace clang::tooling {
class CompilationDatabase;
}

namespace bg::gen {

struct DriverOptions {
  ParseOptions parse;
  EmitOptions emit;
  bool verbose = false;
  std::string target;  ///< the build target, for messages
};

/// Parses every source and writes the outputs; exit status.
int generate(const clang::tooling::CompilationDatabase& database, const DriverOptions& options);

/// Parses one source (options.parse.sources[0]) and writes its fragment to
/// `fragment` and the files it read to `fragment`.d; exit status. The
/// fragment is rewritten on every run, so that a build tool that compares
/// timestamps sees it newer than its inputs.
int scan(const clang::tooling::CompilationDatabase& database, const DriverOptions& options,
         const std::string& fragment);

/// Brings `fragment_dir` up to date for options.parse.sources (a fragment is
/// reused while its compile command is the same and no file it lists changed
/// since it was scanned), scans the others together, merges all, checks, and
/// writes the outputs, the step's depfile (BASENAME.d: every file any source
/// read, with `stamp` as its target) and the stamp. Exit status.
int update(const clang::tooling::CompilationDatabase& database, const DriverOptions& options,
           const std::string& fragment_dir, const std::string& stamp);

/// Merges fragments, checks, and writes the outputs (no depfile: the build
/// already depends on the fragments); then touches `stamp` when given, even
/// when no output changed. Exit status.
int merge(const std::vector<std::string>& fragments, const DriverOptions& options, const std::string& stamp);

}  // namespace bg::gen
