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
};

/// The generated files, by file name: bg_tasks.hpp, bg_tasks.cpp,
/// bg_tasks.json and bg_tasks.d. Deterministic: the same model gives the same
/// bytes. Throws std::runtime_error if a template does not parse (a bg-gen
/// bug, caught by the golden tests).
std::map<std::string, std::string> emit(const Model& model, const EmitOptions& options);

/// `path` relative to `root` when it is inside it, else unchanged.
std::string relative_to(const std::string& path, const std::string& root);

}  // namespace bg::gen
