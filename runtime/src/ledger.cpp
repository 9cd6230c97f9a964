#include "ledger.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include <bg/errors.hpp>

#include "policies.hpp"

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

void Ledger::settle(const Settlement& run, Tally& tally) {
  const TaskEntry& entry = *run.entry;
  RunCells& cells = *run.cells;
  if (run.will_retry) {
    report_error(run);
    tally.bump(tally.retried);
    cells.bump(cells.retried);
    return;
  }
  switch (decide_outcome(run.error != nullptr, run.stop_requested)) {
    case Outcome::completed:
      tally.bump(tally.completed);
      cells.bump(cells.completed);
      notify(run.id, TaskEnd::completed);
      return;
    case Outcome::failed:
      report_error(run);
      if (run.stop_requested) record(run.id, entry.name, TaskState::failed);
      tally.bump(tally.failed);
      cells.bump(cells.failed);
      if (observer_.load(std::memory_order_acquire) != nullptr) {
        notify(run.id, TaskEnd::failed, describe(run.error), Policies::retryable(run.error));
      }
      return;
    case Outcome::stopped:
      record(run.id, entry.name, TaskState::stopped);
      tally.bump(tally.stopped);
      cells.bump(cells.stopped);
      notify(run.id, TaskEnd::stopped);
      return;
  }
}

void Ledger::discard(TaskId id, TaskEntry& entry, std::string reason) {
  notify(id, TaskEnd::discarded, reason);
  record(id, entry.name, TaskState::discarded, std::move(reason));
  TaskEntry::bump(entry.cancelled);
  discarded_.fetch_add(1, std::memory_order_seq_cst);
}

void Ledger::abandon(TaskId id, TaskEntry& entry) {
  notify(id, TaskEnd::abandoned);
  record(id, entry.name, TaskState::abandoned);
  TaskEntry::bump(entry.cancelled);
  abandoned_.fetch_add(1, std::memory_order_seq_cst);
}

void Ledger::observe(std::shared_ptr<const TaskEndObserver> observer) {
  std::lock_guard lock(records_mutex_);
  if (observer_owner_) throw Error("bg: this lifespan already reports its task ends to an observer (one per lifespan)");
  observer_owner_ = std::move(observer);
  observer_.store(observer_owner_.get(), std::memory_order_release);
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

void Ledger::record(TaskId id, std::string_view name, TaskState state, std::string reason) {
  std::lock_guard lock(records_mutex_);
  records_.push_back(TaskRecord{id, std::string(name), state, std::move(reason)});
}

void Ledger::report_error(const Settlement& run) const noexcept {
  const TaskId id = run.id;
  const std::string_view name = run.entry->name;
  try {
    TaskError report{id, name, run.error, describe(run.error), run.attempt, run.will_retry};
    if (!config_.on_error) {
      std::string line = "bg: task '" + std::string(name) + "' (id " + std::to_string(id) + ") failed";
      if (run.attempt > 1 || run.will_retry) line += " on attempt " + std::to_string(run.attempt);
      line += ": " + report.what;
      if (run.will_retry) line += " (it will be retried)";
      print_line(line + "\n");
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
