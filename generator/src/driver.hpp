// The three ways bg-gen runs, over the phases in parse, check and emit:
//   generate  sources -> outputs, in one process (direct use, tests)
//   scan      one source -> its model fragment and depfile (a build step per source)
//   merge     fragments -> outputs (one cheap build step per target)
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

/// Merges fragments, checks, and writes the outputs (no depfile: the build
/// already depends on the fragments); then touches `stamp` when given, even
/// when no output changed. Exit status.
int merge(const std::vector<std::string>& fragments, const DriverOptions& options, const std::string& stamp);

}  // namespace bg::gen
