// libFuzzer target: bg::registry().submit_json_text() with untrusted input,
// as the HTTP admin endpoint forwards it.
//
// Input: the task name, a newline, then the JSON arguments. Every input must
// either submit exactly one task, which then runs (inline), or be refused
// with bg::DispatchError, and then nothing runs and nothing is submitted.
// Any other exception, a crash, a leak or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <bg/bg.hpp>

#include "bg_tasks.hpp"
#include "fuzz_tasks.hpp"

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "submit_json_fuzz: %s\n", what);
  std::abort();
}

bg::Lifespan& lifespan() {
  static bg::Lifespan life{{.on_error = [](const bg::TaskError&) { finding("a task failed"); }, .run_inline = true}};
  return life;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view name = input.substr(0, newline);
  const std::string_view arguments = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  bg::Lifespan& life = lifespan();
  const std::uint64_t submitted = life.stats().submitted;
  const std::uint64_t ran = fuzzing::runs().load();
  bool accepted = false;
  try {
    (void)bg::registry().submit_json_text(name, arguments, life);
    accepted = true;
  } catch (const bg::DispatchError& error) {
    if (std::string_view(error.what()).empty()) finding("a DispatchError without a message");
  } catch (...) {
    finding("an exception other than bg::DispatchError escaped submit_json_text");
  }
  const std::uint64_t submitted_now = life.stats().submitted;
  const std::uint64_t ran_now = fuzzing::runs().load();
  if (accepted && (submitted_now != submitted + 1 || ran_now != ran + 1)) finding("an accepted call did not run once");
  if (!accepted && (submitted_now != submitted || ran_now != ran)) finding("a refused call submitted or ran a task");
  return 0;
}
