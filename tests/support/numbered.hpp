// numbered(): "prefix" followed by n, for keys and names in tests.
#pragma once

#include <string>

namespace bg::test {

/// Built by appending: GCC 12 warns wrongly (-Wrestrict) about
/// `"prefix" + std::to_string(n)` at -O3.
inline std::string numbered(std::string prefix, int n) {
  prefix += std::to_string(n);
  return prefix;
}

}  // namespace bg::test
