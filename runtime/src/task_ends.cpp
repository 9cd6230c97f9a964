#include <bg/detail/task_ends.hpp>

namespace bg::detail {
namespace {
thread_local unsigned tls_submission_attempt = 1;
}  // namespace

AttemptScope::AttemptScope(unsigned attempt) noexcept : saved_(tls_submission_attempt) {
  tls_submission_attempt = attempt == 0 ? 1 : attempt;
}

AttemptScope::~AttemptScope() { tls_submission_attempt = saved_; }

unsigned submission_attempt() noexcept { return tls_submission_attempt; }

}  // namespace bg::detail
