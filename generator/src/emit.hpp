// emit: a checked model → the generated files' contents. Layout lives in the
// Mustache templates (templates/*.mustache, embedded at build time); this
// file only turns the model into the templates' data.
#pragma once

#include <map>
#include <string>

#include "model.hpp"

namespace bg::gen {

struct EmitOptions {
  std::string namespace_name = "tasks";  ///< where task objects go
  std::string root;                      ///< file paths are written relative to it
  std::string output_dir;                ///< for the depfile's target
  /// The outputs are BASENAME.hpp, .cpp, .json and .d; two libraries in one
  /// program give different ones so that their headers can be included side
  /// by side.
  std::string basename = "bg_tasks";
  /// A macro (e.g. from CMake's GenerateExportHeader) that exports the
  /// functions the generated header declares, and the header defining it.
  /// Empty: they get default visibility, which a library built with
  /// -fvisibility=hidden also exports.
  std::string export_macro = {};
  std::string export_header = {};
};

/// The generated files, by file name: BASENAME.hpp, .cpp, .json and .d.
/// Deterministic: the same model gives the same bytes. Throws
/// std::runtime_error if a template does not parse (a bg-gen bug, caught by
/// the golden tests).
std::map<std::string, std::string> emit(const Model& model, const EmitOptions& options);

/// A path as Make-style depfiles write it (spaces, '#', '$' escaped).
std::string depfile_escape(const std::string& path);

/// `path` relative to `root` when it is inside it, else unchanged.
std::string relative_to(const std::string& path, const std::string& root);

}  // namespace bg::gen
