// Writing the generated files: only those whose content changed, so that an
// unchanged output keeps its timestamp and nothing that includes it rebuilds.
#pragma once

#include <map>
#include <string>

namespace bg::gen {

/// Writes each file into `dir` (created if missing) unless it already holds
/// exactly that content. Each file is written to a temporary and renamed, so
/// a reader never sees half a file. Returns the names written; throws
/// std::runtime_error naming the file on failure.
std::map<std::string, bool> write_changed(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace bg::gen
