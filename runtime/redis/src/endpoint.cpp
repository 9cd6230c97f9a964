// Endpoint: parsing and printing server addresses.
#include <charconv>

#include <bg/redis/endpoint.hpp>

namespace bg::redis {

Endpoint Endpoint::parse(std::string_view url) {
  const std::string_view original = url;
  if (url.starts_with("redis://")) url.remove_prefix(8);
  if (url.ends_with("/")) url.remove_suffix(1);
  const auto bad = [&](const std::string& why) {
    return Error("bg::redis: bad server address '" + std::string(original) + "': " + why +
                 " (expected redis://HOST:PORT, HOST:PORT or HOST)");
  };
  if (url.empty()) throw bad("no host");
  if (url.find('/') != std::string_view::npos) throw bad("a database number or path is not supported");
  if (url.find('@') != std::string_view::npos) throw bad("user and password are not supported");
  Endpoint endpoint;
  const std::size_t colon = url.rfind(':');
  endpoint.host = std::string(url.substr(0, colon));
  if (endpoint.host.empty()) throw bad("no host");
  if (colon != std::string_view::npos) {
    const std::string_view port = url.substr(colon + 1);
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535) {
      throw bad("the port '" + std::string(port) + "' is not a number from 1 to 65535");
    }
    endpoint.port = value;
  }
  return endpoint;
}

std::string Endpoint::url() const { return "redis://" + host + ":" + std::to_string(port); }

}  // namespace bg::redis
