#include <bg/report.hpp>

#include <ostream>

namespace bg {

std::string_view to_string(TaskState state) noexcept {
  switch (state) {
    case TaskState::discarded: return "discarded";
    case TaskState::stopped: return "stopped";
    case TaskState::failed: return "failed";
    case TaskState::abandoned: return "abandoned";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, const Stats& stats) {
  return out << "submitted=" << stats.submitted << " completed=" << stats.completed
             << " failed=" << stats.failed << " cancelled=" << stats.cancelled
             << " abandoned=" << stats.abandoned << " rejected=" << stats.rejected
             << " queued=" << stats.queued << " running=" << stats.running
             << " scheduled=" << stats.scheduled << " retried=" << stats.retried;
}

std::ostream& operator<<(std::ostream& out, const ShutdownReport& report) {
  out << "bg: shutdown " << (report.timed_out ? "timed out" : "complete") << ": " << report.stats
      << '\n';
  for (const TaskRecord& task : report.unfinished) {
    out << "bg:   task '" << task.name << "' (id " << task.id << ") " << to_string(task.state);
    if (!task.reason.empty()) out << ": " << task.reason;
    out << '\n';
  }
  return out;
}

}  // namespace bg
