// parse: runs Clang over the translation units (in parallel) and collects
// one merged model. Owns everything about invoking Clang: compile commands,
// flag clean-up, builtin headers, the stand-in for the generated header and
// Clang's own diagnostics.
#pragma once

#include <string>
#include <vector>

#include "model.hpp"

namespace clang::tooling {
class CompilationDatabase;
}

namespace bg::gen {

struct ParseOptions {
  std::vector<std::string> sources;  ///< absolute paths
  /// Generated headers (this target's and other targets'), absolute: each is
  /// replaced, while parsing, by a stand-in that declares nothing, so that a
  /// source parses whether they exist yet, are stale or are current.
  std::vector<std::string> stubs;
  std::string resource_dir;  ///< Clang's builtin headers (see find_resource_dir)
  unsigned jobs = 1;
  /// Prescan first (see prescan.hpp) and parse only the sources that may
  /// declare a task: most sources have no `[[bg::...]]` attribute at all.
  bool prescan = true;
};

struct ParseResult {
  Model model;               ///< parse_sources: every source's model, merged
  std::vector<Model> units;  ///< parse_each: one model per source, in order
  /// Clang's errors, rendered as Clang renders them, in source order.
  std::string clang_errors;
  unsigned error_count = 0;
  /// Sources parsed in full (the others were ruled out by the prescan).
  unsigned parsed = 0;
};

/// Parses every source with the commands `database` gives for it, in
/// parallel, sharing one prescan cache; one model per source.
ParseResult parse_each(const clang::tooling::CompilationDatabase& database, const ParseOptions& options);

/// parse_each, with the models merged and normalized.
ParseResult parse_sources(const clang::tooling::CompilationDatabase& database, const ParseOptions& options);

/// Finds the directory with Clang's builtin headers (stddef.h, ...) for the
/// Clang libraries bg-gen runs with: next to the loaded libclang-cpp, then the
/// directory known when bg-gen was built. Empty when neither has them.
std::string find_resource_dir();

/// Drops from a compile command the flags Clang does not know (GCC-only
/// ones), respells standards Clang 16 names otherwise (c++23 is c++2b), and
/// adds what bg-gen needs. Exposed for tests.
std::vector<std::string> adjust_command(const std::vector<std::string>& command, const std::string& resource_dir,
                                        const std::vector<std::string>& stubs);

}  // namespace bg::gen
