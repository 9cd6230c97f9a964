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

#include <string>
#include <vector>

namespace bg::gen {

struct PrescanResult {
  bool may_declare_tasks = true;  ///< some file read has a bg:: attribute, or the scan failed
  bool failed = false;            ///< the scanner could not run (a missing header, ...): parse to report it
  std::vector<std::string> files; ///< every file read, absolute (the source's dependencies)
};

/// `command` is the compile command (compiler first) for `source`, already
/// adjusted for bg-gen; `directory` is where it runs. `stubs` are read as
/// empty generated headers, as in the full parse.
PrescanResult prescan(const std::vector<std::string>& command, const std::string& directory,
                      const std::vector<std::string>& stubs);

/// Whether `text` (one file's contents) has a `[[bg::` or `[[using bg:`
/// attribute, comments and string literals aside. Exposed for tests.
bool has_bg_attribute(const std::string& text);

}  // namespace bg::gen
