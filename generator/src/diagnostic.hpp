// Diagnostics in the compiler's format: `file:line:col: error: message`, then
// the source line and a caret under the column. Plain data and plain text:
// the checks make them from the model, without Clang.
#pragma once

#include <string>
#include <vector>

#include "model.hpp"

namespace bg::gen {

struct Note {
  SourcePos pos;
  std::string message;
};

struct Diagnostic {
  SourcePos pos;
  std::string message;
  std::vector<Note> notes;
  /// A warning is printed but does not stop generation.
  bool warning = false;
};

/// How many of the diagnostics are errors.
size_t error_count(const std::vector<Diagnostic>& diagnostics);

/// Renders diagnostics in order, each followed by its notes, reading the
/// source lines from disk (a line that cannot be read is left out).
std::string render(const std::vector<Diagnostic>& diagnostics);

}  // namespace bg::gen
