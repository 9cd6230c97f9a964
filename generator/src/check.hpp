// check: model → diagnostics. Every rule bg-gen enforces, each in its own
// file under checks/; this runs them all and orders the result by position.
#pragma once

#include <vector>

#include "diagnostic.hpp"
#include "model.hpp"

namespace bg::gen {

/// All diagnostics for the model, sorted by position. Empty means the model
/// can be emitted.
std::vector<Diagnostic> check(const Model& model);

}  // namespace bg::gen
