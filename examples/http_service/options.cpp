#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iterator>
#include <string_view>

namespace service {
namespace {

constexpr std::string_view kFlags[] = {
    "--port",           "--workers",   "--io-threads",    "--grace-ms",      "--email-delay-ms",
    "--outbox",         "--audit",     "--max-body-bytes", "--queue-capacity", "--max-tasks",
    "--redis",          "--queue",     "--claim-idle-ms", "--max-in-flight"};

bool parse_number(std::string_view text, long min, long max, long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= min && out <= max;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      error = "";
      return std::nullopt;
    }
    if (std::find(std::begin(kFlags), std::end(kFlags), flag) == std::end(kFlags)) {
      error = "unknown flag '" + std::string(flag) + "' (see --help)";
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      error = std::string(flag) + " needs a value (see --help)";
      return std::nullopt;
    }
    std::string_view value = argv[++i];
    auto text = [&](std::string& out) {
      out = value;
      if (value.empty()) error = std::string(flag) + " needs a non-empty value";
      return !value.empty();
    };
    long number = 0;
    auto numeric = [&](long min, long max) {
      if (parse_number(value, min, max, number)) return true;
      error = std::string(flag) + " takes a whole number from " + std::to_string(min) + " to " +
              std::to_string(max) + ", not '" + std::string(value) + "'";
      return false;
    };
    if (flag == "--port") {
      if (!numeric(0, 65535)) return std::nullopt;
      options.port = static_cast<int>(number);
    } else if (flag == "--workers") {
      if (!numeric(1, 256)) return std::nullopt;
      options.workers = static_cast<unsigned>(number);
    } else if (flag == "--io-threads") {
      if (!numeric(1, 256)) return std::nullopt;
      options.io_threads = static_cast<unsigned>(number);
    } else if (flag == "--grace-ms") {
      if (!numeric(0, 3'600'000)) return std::nullopt;
      options.grace = std::chrono::milliseconds(number);
    } else if (flag == "--email-delay-ms") {
      if (!numeric(0, 3'600'000)) return std::nullopt;
      options.email_delay = std::chrono::milliseconds(number);
    } else if (flag == "--outbox") {
      if (!text(options.outbox)) return std::nullopt;
    } else if (flag == "--audit") {
      if (!text(options.audit)) return std::nullopt;
    } else if (flag == "--max-body-bytes") {
      if (!numeric(2, 16 << 20)) return std::nullopt;
      options.max_body_bytes = static_cast<std::size_t>(number);
    } else if (flag == "--queue-capacity") {
      if (!numeric(1, 1'000'000)) return std::nullopt;
      options.queue_capacity = static_cast<std::size_t>(number);
    } else if (flag == "--max-tasks") {
      if (!numeric(2, 1'000'000)) return std::nullopt;
      options.max_tasks = static_cast<std::size_t>(number);
    } else if (flag == "--redis") {
      if (!text(options.redis)) return std::nullopt;
    } else if (flag == "--queue") {
      if (!text(options.queue)) return std::nullopt;
    } else if (flag == "--claim-idle-ms") {
      if (!numeric(30, 3'600'000)) return std::nullopt;
      options.claim_idle = std::chrono::milliseconds(number);
    } else if (flag == "--max-in-flight") {
      if (!numeric(1, 100'000)) return std::nullopt;
      options.max_in_flight = static_cast<unsigned>(number);
    }
  }
  // A URL with a password is better kept off the command line, which every
  // user of the machine can read (ps, /proc/PID/cmdline).
  if (options.redis.empty()) {
    if (const char* url = std::getenv("BG_REDIS_URL"); url != nullptr) options.redis = url;
  }
  return options;
}

}  // namespace service
