#include "options.hpp"

#include <charconv>
#include <string_view>

namespace service {
namespace {

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
    if (i + 1 >= argc) {
      error = "flag " + std::string(flag) + " needs a value";
      return std::nullopt;
    }
    std::string_view value = argv[++i];
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
      options.outbox = value;
    } else if (flag == "--audit") {
      options.audit = value;
    } else if (flag == "--redis") {
      options.redis = value;
    } else if (flag == "--queue") {
      options.queue = value;
    } else if (flag == "--claim-idle-ms") {
      if (!numeric(30, 3'600'000)) return std::nullopt;
      options.claim_idle = std::chrono::milliseconds(number);
    } else if (flag == "--max-in-flight") {
      if (!numeric(1, 100'000)) return std::nullopt;
      options.max_in_flight = static_cast<unsigned>(number);
    } else {
      error = "unknown flag '" + std::string(flag) + "'";
      return std::nullopt;
    }
  }
  return options;
}

}  // namespace service
