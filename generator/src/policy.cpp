#include "policy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string_view>

namespace bg::gen {
namespace {

constexpr long long kMaxRetries = 1'000;
constexpr long long kMaxConcurrency = 1'000'000;
constexpr long long kMaxDurationMs = 365LL * 24 * 3600 * 1000;  // a year

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

/// Splits at top-level commas (not inside quotes or parentheses).
std::vector<std::string> split_arguments(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t start = i;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      current += text.substr(start, i - start + 1);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (!trim(current).empty() || !out.empty()) out.push_back(trim(current));
  return out;
}

/// A plain decimal integer literal (digits, optional ' separators and
/// integer suffix), possibly negative.
std::optional<long long> integer(const std::string& text) {
  std::string digits;
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  }
  for (; i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '\''); ++i)
    if (text[i] != '\'') digits += text[i];
  while (i < text.size() && (text[i] == 'u' || text[i] == 'U' || text[i] == 'l' || text[i] == 'L')) ++i;
  if (digits.empty() || i != text.size() || digits.size() > 15) return std::nullopt;
  const long long value = std::strtoll(digits.c_str(), nullptr, 10);
  return negative ? -value : value;
}

/// The contents of a plain string literal, or nothing.
std::optional<std::string> string_literal(const std::string& text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
  std::string inner = text.substr(1, text.size() - 2);
  if (inner.find('"') != std::string::npos || inner.find('\\') != std::string::npos) return std::nullopt;
  return inner;
}

std::string spell(const PolicyAttribute& p) {
  return "[[bg::" + p.name + (p.arguments ? "(" + *p.arguments + ")" : std::string()) + "]]";
}

std::string duration_text(long long ms) {
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "min";
  if (ms % 1'000 == 0) return std::to_string(ms / 1'000) + "s";
  return std::to_string(ms) + "ms";
}

constexpr const char* kDurationHelp =
    "a duration is a string literal with a whole number and a unit (ms, s, min, h), as in \"30s\"";

}  // namespace

long long parse_duration_ms(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 12) return -1;
  const long long value = std::strtoll(text.substr(0, i).c_str(), nullptr, 10);
  const std::string unit = text.substr(i);
  long long scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = 1'000;
  else if (unit == "min" || unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else return -1;
  if (value > kMaxDurationMs / scale) return -1;
  return value * scale;
}

Policy read_policy(const Task& task, std::vector<Diagnostic>* problems) {
  Policy policy;
  std::vector<std::string> seen;
  const auto report = [&](const PolicyAttribute& p, const std::string& message) {
    if (problems != nullptr) problems->push_back({p.pos, spell(p) + " on '" + task.function + "': " + message, {}});
  };
  // A duration argument: milliseconds, or -1 after reporting the problem.
  const auto duration = [&](const PolicyAttribute& p, const std::string& argument, const char* what) -> long long {
    const auto text = string_literal(argument);
    if (!text) {
      report(p, std::string("the ") + what + " must be a string literal; " + kDurationHelp);
      return -1;
    }
    const long long ms = parse_duration_ms(*text);
    if (ms < 0) {
      report(p, std::string("\"") + *text + "\" is not a duration; " + kDurationHelp + " (at most a year)");
      return -1;
    }
    return ms;
  };
  for (const PolicyAttribute& p : task.policies) {
    bool repeated = false;
    for (const auto& name : seen) repeated = repeated || name == p.name;
    if (repeated) {
      report(p, "bg::" + p.name + " is given twice; keep one");
      continue;
    }
    seen.push_back(p.name);
    const std::vector<std::string> args = p.arguments ? split_arguments(*p.arguments) : std::vector<std::string>{};
    if (p.name == "retry") {
      const char* usage = "it takes the number of retries after the first attempt (1 to 1000), then optionally the "
                          "backoff's base and cap, as in [[bg::retry(5)]] or [[bg::retry(5, \"500ms\", \"1min\")]]";
      if (args.empty() || args.size() > 3) {
        report(p, usage);
        continue;
      }
      const auto count = integer(args[0]);
      if (!count || *count < 1 || *count > kMaxRetries) {
        report(p, "'" + args[0] + "' is not a number of retries; " + usage);
        continue;
      }
      long long base = policy.backoff_base_ms;
      long long cap = policy.backoff_cap_ms;
      if (args.size() >= 2 && (base = duration(p, args[1], "backoff base")) < 0) continue;
      if (args.size() >= 3 && (cap = duration(p, args[2], "backoff cap")) < 0) continue;
      if (args.size() == 2 && cap < base) cap = base;
      if (cap < base) {
        report(p, "the backoff cap (" + duration_text(cap) + ") is below its base (" + duration_text(base) +
                      "); give a cap at least as long as the base");
        continue;
      }
      policy.retries = static_cast<unsigned>(*count);
      policy.backoff_base_ms = base;
      policy.backoff_cap_ms = cap;
    } else if (p.name == "timeout") {
      if (args.size() != 1) {
        report(p, std::string("it takes one duration, the longest a run may take, as in [[bg::timeout(\"30s\")]]; ") +
                      kDurationHelp);
        continue;
      }
      const long long ms = duration(p, args[0], "time limit");
      if (ms < 0) continue;
      if (ms == 0) {
        report(p, "a time limit of zero stops every run at once; give a positive duration, or remove the attribute");
        continue;
      }
      policy.timeout_ms = ms;
    } else if (p.name == "concurrency") {
      const char* usage = "it takes the most runs of the task at once (1 to 1000000), as in [[bg::concurrency(2)]]";
      const auto limit = args.size() == 1 ? integer(args[0]) : std::nullopt;
      if (!limit || *limit < 1 || *limit > kMaxConcurrency) {
        report(p, (args.size() == 1 ? "'" + args[0] + "' is not a number of runs; " : std::string()) + usage);
        continue;
      }
      policy.concurrency = static_cast<unsigned>(*limit);
    } else if (p.name == "queue") {
      const char* usage = "it takes the queue's name as a string literal of letters, digits and _ . : - (at most "
                          "100), as in [[bg::queue(\"emails\")]]";
      const auto name = args.size() == 1 ? string_literal(args[0]) : std::nullopt;
      if (!name) {
        report(p, usage);
        continue;
      }
      const bool valid = !name->empty() && name->size() <= 100 &&
                         std::all_of(name->begin(), name->end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
                                  c == '-';
                         });
      if (!valid) {
        report(p, "\"" + *name + "\" is not a queue name; " + usage);
        continue;
      }
      policy.queue = *name;
    }
  }
  return policy;
}

std::string describe_policy(const Policy& policy) {
  std::string out;
  const auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (policy.retries != 0) {
    add("retry(" + std::to_string(policy.retries) + ", backoff " + duration_text(policy.backoff_base_ms) + ".." +
        duration_text(policy.backoff_cap_ms) + ")");
  }
  if (policy.timeout_ms != 0) add("timeout " + duration_text(policy.timeout_ms));
  if (policy.concurrency != 0) add("concurrency " + std::to_string(policy.concurrency));
  return out;
}

}  // namespace bg::gen
