#include "fuzz_tasks.hpp"

namespace fuzzing {

std::atomic<std::uint64_t>& runs() {
  static std::atomic<std::uint64_t> count{0};
  return count;
}

namespace {
void ran() { runs().fetch_add(1, std::memory_order_relaxed); }
}  // namespace

void integers(std::int8_t, std::uint8_t, std::int16_t, std::uint16_t, std::int32_t, std::uint32_t, std::int64_t,
              std::uint64_t) {
  ran();
}
void numbers(float, double, bool) { ran(); }
void choose(Color) { ran(); }
void text(std::string, std::vector<std::string>) { ran(); }
void nested(std::vector<std::vector<int>>, std::map<std::string, std::optional<std::vector<double>>>,
            std::optional<std::map<std::string, bool>>) {
  ran();
}
void defaults(int, std::string, std::optional<int>) { ran(); }
void with_context(const bg::Context&, std::uint64_t) { ran(); }
void nothing() { ran(); }

}  // namespace fuzzing
