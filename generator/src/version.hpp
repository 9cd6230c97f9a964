// bg-gen's version and the runtime revision its output is written for. Both
// come from the runtime's own header, so the two can never disagree.
#pragma once

#include <bg/version.hpp>

namespace bg::gen {

inline constexpr const char* kBgGenVersion = BG_VERSION_STRING;
inline constexpr int kRuntimeRevision = BG_RUNTIME_REVISION;

}  // namespace bg::gen
