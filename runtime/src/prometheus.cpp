// The Prometheus text exposition format (0.0.4) of a lifespan's task stats.
#include <bg/lifespan.hpp>
#include <bg/metrics.hpp>

#include <charconv>
#include <string>

namespace bg {
namespace {

/// A label value with \, " and newline escaped, as the format requires.
std::string label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

/// The shortest text that reads back as `value`.
std::string number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, const std::string& labels, std::uint64_t value) {
  out.append(name).append("{").append(labels).append("} ").append(std::to_string(value)).append("\n");
}

void histogram(std::string& out, std::string_view name, const std::vector<TaskStats>& tasks,
               Histogram TaskStats::*member) {
  for (const TaskStats& task : tasks) {
    const Histogram& h = task.*member;
    const std::string base = "task=\"" + label(task.name) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kHistogramBounds.size(); ++i) {
      cumulative += h.counts[i];
      sample(out, std::string(name) + "_bucket", base + ",le=\"" + number(kHistogramBounds[i]) + "\"", cumulative);
    }
    cumulative += h.counts.back();
    sample(out, std::string(name) + "_bucket", base + ",le=\"+Inf\"", cumulative);
    out.append(name).append("_sum{").append(base).append("} ").append(number(h.sum_seconds)).append("\n");
    sample(out, std::string(name) + "_count", base, cumulative);
  }
}

}  // namespace

std::string prometheus_text(const std::vector<TaskStats>& tasks) {
  std::string out;
  const auto per_task = [&](std::string_view name, std::string_view type, std::string_view help,
                            std::uint64_t TaskStats::*member) {
    header(out, name, type, help);
    for (const TaskStats& task : tasks) sample(out, name, "task=\"" + label(task.name) + "\"", task.*member);
  };

  header(out, "bgtasks_tasks_total", "counter",
         "Task runs that ended, by outcome: completed; failed (for good); retried (a failed attempt that "
         "another follows); cancelled (discarded, stopped or abandoned at shutdown); rejected (refused "
         "submissions).");
  for (const TaskStats& task : tasks) {
    const std::string base = "task=\"" + label(task.name) + "\",outcome=";
    sample(out, "bgtasks_tasks_total", base + "\"completed\"", task.completed);
    sample(out, "bgtasks_tasks_total", base + "\"failed\"", task.failed);
    sample(out, "bgtasks_tasks_total", base + "\"retried\"", task.retried);
    sample(out, "bgtasks_tasks_total", base + "\"cancelled\"", task.cancelled);
    sample(out, "bgtasks_tasks_total", base + "\"rejected\"", task.rejected);
  }
  per_task("bgtasks_tasks_submitted_total", "counter", "Submissions accepted (a retry is not a submission).",
           &TaskStats::submitted);
  per_task("bgtasks_task_timeouts_total", "counter", "Runs that exceeded their bg::timeout.",
           &TaskStats::timed_out);
  per_task("bgtasks_tasks_running", "gauge", "Runs in progress.", &TaskStats::running);
  per_task("bgtasks_tasks_queued", "gauge", "Tasks waiting for a worker or for a concurrency slot.",
           &TaskStats::queued);
  per_task("bgtasks_tasks_scheduled", "gauge", "Tasks waiting for their time: a delay or a retry's backoff.",
           &TaskStats::scheduled);
  per_task("bgtasks_tasks_overrunning", "gauge",
           "Runs past their time limit that have not returned (they ignore their stop token).",
           &TaskStats::overrunning);
  header(out, "bgtasks_task_queue_wait_seconds", "histogram",
         "Time from a task's submission (or due time) to the start of its run.");
  histogram(out, "bgtasks_task_queue_wait_seconds", tasks, &TaskStats::queue_wait);
  header(out, "bgtasks_task_run_seconds", "histogram", "Time each run took, every attempt.");
  histogram(out, "bgtasks_task_run_seconds", tasks, &TaskStats::run_time);
  return out;
}

std::string prometheus_text(const Lifespan& life) { return prometheus_text(life.task_stats()); }

}  // namespace bg
