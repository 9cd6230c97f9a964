// The rules, one file each. Every message says what is wrong and how to fix
// the code, and starts with the attribute so that it reads on its own.
#pragma once

#include <vector>

#include "../diagnostic.hpp"
#include "../model.hpp"

namespace bg::gen {

/// bg:: attributes: misplaced, unknown (with did-you-mean), bad arguments.
void check_attributes(const Model& model, std::vector<Diagnostic>& out);
/// Task names: valid identifiers, unique, one name per function.
void check_names(const Model& model, std::vector<Diagnostic>& out);
/// What kind of function it is: templates, non-static members, internal
/// linkage, variadics, default arguments, unreachable classes. Returns false
/// when the function cannot be a task at all.
bool check_function(const Task& task, std::vector<Diagnostic>& out);
/// Parameters: dangling, mutable references, non-movable types, types the
/// generated header cannot name.
void check_parameters(const Task& task, std::vector<Diagnostic>& out);

}  // namespace bg::gen
