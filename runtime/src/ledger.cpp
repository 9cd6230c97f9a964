#include "ledger.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include <bg/errors.hpp>

namespace bg::detail {
namespace {

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception (not derived from std::exception)";
  }
}

/// One whole line per call: concurrent workers never interleave mid-line.
void print_line(const std::string& line) noexcept {
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace

void Ledger::settle(TaskId id, std::string_view name, const std::exception_ptr& error, bool stop_requested,
                    Tally& tally) {
  switch (decide_outcome(error != nullptr, stop_requested)) {
    case Outcome::completed:
      tally.bump(tally.completed);
      return;
    case Outcome::failed:
      report_error(id, name, error);
      if (stop_requested) record(id, name, TaskState::failed);
      tally.bump(tally.failed);
      return;
    case Outcome::stopped:
      record(id, name, TaskState::stopped);
      tally.bump(tally.stopped);
      return;
  }
}

void Ledger::discard(TaskId id, std::string_view name) {
  record(id, name, TaskState::discarded);
  discarded_.fetch_add(1, std::memory_order_seq_cst);
}

void Ledger::abandon(TaskId id, std::string_view name) {
  record(id, name, TaskState::abandoned);
  abandoned_.fetch_add(1, std::memory_order_seq_cst);
}

std::vector<TaskRecord> Ledger::take_records() {
  std::vector<TaskRecord> records;
  {
    std::lock_guard lock(records_mutex_);
    records.swap(records_);
  }
  std::sort(records.begin(), records.end(), [](const TaskRecord& a, const TaskRecord& b) { return a.id < b.id; });
  return records;
}

void Ledger::record(TaskId id, std::string_view name, TaskState state) {
  std::lock_guard lock(records_mutex_);
  records_.push_back(TaskRecord{id, std::string(name), state});
}

void Ledger::report_error(TaskId id, std::string_view name, const std::exception_ptr& error) const noexcept {
  try {
    TaskError report{id, name, error, describe(error)};
    if (!config_.on_error) {
      print_line("bg: task '" + std::string(name) + "' (id " + std::to_string(id) + ") failed: " + report.what +
                 "\n");
      return;
    }
    try {
      config_.on_error(report);
    } catch (...) {
      print_line("bg: on_error threw while handling task '" + std::string(name) + "' (id " + std::to_string(id) +
                 "): " + describe(std::current_exception()) + "\n");
    }
  } catch (...) {
    // Formatting the line itself failed (out of memory): nothing more to do.
    std::fputs("bg: a task failed and its error could not be reported\n", stderr);
  }
}

}  // namespace bg::detail
