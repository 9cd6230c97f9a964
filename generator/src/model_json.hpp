// The model as JSON: the file between bg-gen's per-source step (scan), which
// writes one translation unit's model, and the merge step, which reads many
// (as moc and protoc pass their models between steps).
#pragma once

#include <string>

#include "model.hpp"

namespace bg::gen {

/// Bumped whenever the fragment format changes: a merge refuses fragments of
/// another version instead of misreading them (the build reruns the scans
/// because bg-gen itself is one of their dependencies).
inline constexpr int kFragmentVersion = 5;

/// One translation unit's model as JSON text; deterministic (sorted keys).
std::string to_fragment(const Model& model);

/// Parses a fragment written by to_fragment. Throws std::runtime_error that
/// names `path` when the text is not a fragment of this version.
Model from_fragment(const std::string& text, const std::string& path);

}  // namespace bg::gen
