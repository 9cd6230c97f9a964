// Tasks with every kind of parameter JSON can carry, for the dispatch fuzzer.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <bg/context.hpp>
#include <bg/task.hpp>

namespace fuzzing {

enum class Color { red, green, blue };

/// How many task bodies ran; a rejected call must not change it.
std::atomic<std::uint64_t>& runs();

[[bg::task]] void integers(std::int8_t a, std::uint8_t b, std::int16_t c, std::uint16_t d, std::int32_t e,
                           std::uint32_t f, std::int64_t g, std::uint64_t h);
[[bg::task]] void numbers(float f, double d, bool b);
[[bg::task]] void choose(Color color);
[[bg::task]] void text(std::string s, std::vector<std::string> list);
[[bg::task]] void nested(std::vector<std::vector<int>> grid,
                         std::map<std::string, std::optional<std::vector<double>>> deep,
                         std::optional<std::map<std::string, bool>> flags);
[[bg::task]] void defaults(int a, std::string b = "x", std::optional<int> c = std::nullopt);
[[bg::task]] void with_context(const bg::Context& context, std::uint64_t value);
[[bg::task]] void nothing();

}  // namespace fuzzing
