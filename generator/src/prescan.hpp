// The prescan: which sources may declare a task, at a fraction of the cost of
// parsing them. Clang's dependency-directives scanner (what clang-scan-deps
// runs) lists every file a translation unit reads, lexing only preprocessor
// directives; each of those files that mentions "bg" is then lexed raw for a
// `[[bg::...]]` or `[[using bg: ...]]` attribute. A source none of whose
// files has one cannot declare a task, and is not parsed.
//
// Conservative by design: an attribute in a file under an #if that is false
// still counts (the source is then parsed, and the parse decides). Only an
// attribute whose `bg` is built by token pasting would be missed.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace bg::gen {

/// What prescans of one bg-gen run share: Clang's cache of headers reduced to
/// their directives, so that a header read by many sources (the standard
/// library, Boost) is reduced once. Thread-safe.
class PrescanCache {
 public:
  PrescanCache();
  ~PrescanCache();
  PrescanCache(const PrescanCache&) = delete;
  PrescanCache& operator=(const PrescanCache&) = delete;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct PrescanResult {
  bool may_declare_tasks = true;  ///< some file read has a bg:: attribute, or the scan failed
  bool failed = false;            ///< the scanner could not run (a missing header, ...): parse to report it
  std::vector<std::string> files; ///< every file read, absolute (the source's dependencies)
};

/// `command` is the compile command (compiler first) for `source`, already
/// adjusted for bg-gen; `directory` is where it runs. `stubs` are read as
/// empty generated headers, as in the full parse.
PrescanResult prescan(PrescanCache& cache, const std::vector<std::string>& command, const std::string& directory,
                      const std::vector<std::string>& stubs);

/// The files of a Make-style dependency rule (`target: a.cpp b.h \`-newline
/// continuations, backslash-escaped spaces), without the target.
std::vector<std::string> dependency_files(const std::string& rule);

/// Whether `text` (one file's contents) has a `[[bg::` or `[[using bg:`
/// attribute, comments and string literals aside. Exposed for tests.
bool has_bg_attribute(const std::string& text);

}  // namespace bg::gen
