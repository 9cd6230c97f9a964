// Endpoint: parsing and printing server addresses in the URL syntax of
// redis-py and Celery. Every message shows the address through masked(),
// never as written: a URL carries its password.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include <bg/redis/endpoint.hpp>

namespace bg::redis {
namespace {

constexpr std::string_view kForms =
    "expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss://... for TLS, unix:///PATH[?db=DB], "
    "HOST:PORT or HOST";

constexpr std::array<std::string_view, 8> kParameters = {
    "db",           "socket_connect_timeout", "socket_timeout", "ssl_ca_certs",
    "ssl_certfile", "ssl_keyfile",            "ssl_cert_reqs",  "ssl_check_hostname",
};

/// The address as written, with everything between "://" and the last '@'
/// after the user name's ':' replaced by ***. The last '@' anywhere, not the
/// one the parser settles on: a password with an unencoded '/' or '?' must
/// not show either. A lone user name is masked too: it is often a password
/// written without its leading ':'.
std::string masked(std::string_view url) {
  const std::size_t at = url.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const std::size_t scheme = url.find("://");
  const std::size_t start = scheme == std::string_view::npos || scheme > at ? 0 : scheme + 3;
  const std::size_t colon = url.substr(start, at - start).find(':');
  std::string out(url.substr(0, start));
  if (colon != std::string_view::npos) out += url.substr(start, colon + 1);
  out += "***";
  out += url.substr(at);
  return out;
}

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc{} || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// Parses one address; `shown` is its masked form, for messages.
class Parser {
 public:
  Parser(std::string_view url, std::string shown) : url_(url), shown_(std::move(shown)) {}

  Endpoint parse() {
    std::string_view rest = url_;
    const std::size_t scheme_end = rest.find("://");
    const bool bare = scheme_end == std::string_view::npos;  // HOST:PORT or HOST
    if (!bare) {
      scheme(lowercase(rest.substr(0, scheme_end)));
      rest.remove_prefix(scheme_end + 3);
    }
    // Query first: a '/' or '@' in a parameter (a file name) is not the
    // address's. Then the user info up to the last '@': an unencoded '/' in a
    // password does not end it.
    std::string_view query;
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
      query = rest.substr(q + 1);
      rest = rest.substr(0, q);
    }
    // An '@' only after the '?' is most likely a password holding a '?':
    // the parameters would then be pieces of the password, and no message
    // may quote them. Refuse, quoting nothing but the masked address.
    if (query.find('@') != std::string_view::npos && rest.find('@') == std::string_view::npos) {
      throw bad("an '@' after the '?': a password holding '?', '/', '@' or '#' must be percent-encoded "
                "(%3F, %2F, %40, %23), as must an '@' in a parameter");
    }
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
      user_info(rest.substr(0, at));
      rest.remove_prefix(at + 1);
    }
    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (bare && (authority.empty() || authority.front() == ':')) throw bad("no host");
    if (endpoint_.kind == Endpoint::Kind::unix_socket) {
      socket_path(authority, path);
    } else {
      host_and_port(authority);
      if (path.size() > 1) {
        endpoint_.db = database(path.substr(1), "the database after the host");
        db_in_path_ = true;
      }
    }
    parameters(query);
    return endpoint_;
  }

 private:
  Error bad(const std::string& why) const {
    return Error("bg::redis: bad server address '" + shown_ + "': " + why + " (" + std::string(kForms) + ")");
  }

  void scheme(const std::string& name) {
    if (name == "redis") {
      endpoint_.kind = Endpoint::Kind::tcp;
    } else if (name == "rediss") {
      endpoint_.kind = Endpoint::Kind::tls;
    } else if (name == "unix" || name == "redis+socket") {
      endpoint_.kind = Endpoint::Kind::unix_socket;
    } else {
      throw bad("unknown scheme '" + name + "://': use redis:// (TCP), rediss:// (TLS) or unix:// (a Unix socket)");
    }
  }

  void user_info(std::string_view info) {
    const std::size_t colon = info.find(':');
    // Not echoed: "redis://secret@host" is a password missing its ':'.
    if (colon == std::string_view::npos) {
      throw bad("a user name without a password: write redis://USER:PASSWORD@HOST, "
                "or redis://:PASSWORD@HOST for a password alone");
    }
    const auto user = percent_decoded(info.substr(0, colon));
    const auto password = percent_decoded(info.substr(colon + 1));
    if (!user || !password) {
      throw bad("bad percent-encoding in the user name or password (write %XX with two hex digits, e.g. %40 for '@')");
    }
    if (password->empty() && !user->empty()) {
      throw bad("the user name has an empty password: write redis://USER:PASSWORD@HOST");
    }
    endpoint_.username = *user;
    endpoint_.password = *password;
  }

  void socket_path(std::string_view authority, std::string_view path) {
    if (!authority.empty()) {
      throw bad("a unix:// address has no host: write unix:///PATH (three slashes, then the absolute path)");
    }
    if (path.size() <= 1) throw bad("no socket path: write unix:///run/redis/redis.sock");
    const auto decoded = percent_decoded(path);
    if (!decoded) throw bad("bad percent-encoding in the socket path");
    endpoint_.path = *decoded;
    endpoint_.host.clear();
  }

  void host_and_port(std::string_view authority) {
    std::string_view port;
    bool has_port = false;
    if (authority.starts_with('[')) {
      const std::size_t close = authority.find(']');
      if (close == std::string_view::npos) throw bad("the IPv6 address has no closing ']': write redis://[::1]:6379");
      // RFC 6874: a zone is written %25 ("[fe80::1%25eth0]").
      const auto host = percent_decoded(authority.substr(1, close - 1));
      if (!host) throw bad("bad percent-encoding in the IPv6 address");
      endpoint_.host = *host;
      if (endpoint_.host.empty()) throw bad("empty brackets: write an IPv6 address, e.g. redis://[::1]:6379");
      const std::string_view after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') throw bad("after the IPv6 address ']' comes ':PORT', '/DB' or nothing");
        port = after.substr(1);
        has_port = true;
      }
    } else {
      const std::size_t colon = authority.find(':');
      if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos) {
        throw bad("an IPv6 address goes in brackets: write redis://[::1]:6379");
      }
      // "redis://" alone is the local server, as in redis-py and Celery.
      endpoint_.host = colon == 0 || authority.empty() ? "localhost" : std::string(authority.substr(0, colon));
      if (colon != std::string_view::npos) {
        port = authority.substr(colon + 1);
        has_port = true;
      }
    }
    if (!has_port) return;
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    const bool digits = !port.empty() && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) throw bad("the port is not a number: write HOST:PORT with PORT from 1 to 65535");
    if (ec != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535) {
      throw bad("the port " + std::string(port) + " is out of range: use 1 to 65535");
    }
    endpoint_.port = value;
  }

  int database(std::string_view text, std::string_view where) const {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 0) {
      throw bad(std::string(where) + " '" + std::string(text) + "' is not a number: write a database number, e.g. /2 or ?db=2");
    }
    return value;
  }

  std::chrono::milliseconds seconds(std::string_view name, std::string_view text) const {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) ||
        value < 0.001 || value > 1e6) {
      throw bad(std::string(name) + "=" + std::string(text) +
                " is not a number of seconds from 0.001 to 1000000 (e.g. 5 or 0.5)");
    }
    return std::chrono::milliseconds(std::llround(value * 1000));
  }

  void parameters(std::string_view query) {
    std::vector<std::string> seen;
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      if (pair.empty()) continue;
      const std::size_t eq = pair.find('=');
      const auto name = percent_decoded(pair.substr(0, eq));
      const auto value = percent_decoded(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
      if (!name || !value) throw bad("bad percent-encoding in the query parameters");
      if (eq == std::string_view::npos || value->empty()) throw bad("the parameter " + *name + " has no value: write " + *name + "=VALUE");
      if (std::find(seen.begin(), seen.end(), *name) != seen.end()) throw bad("the parameter " + *name + " is given twice");
      seen.push_back(*name);
      parameter(*name, *value);
    }
  }

  void parameter(const std::string& name, const std::string& value) {
    if (name.starts_with("ssl_") && endpoint_.kind != Endpoint::Kind::tls &&
        std::find(kParameters.begin(), kParameters.end(), name) != kParameters.end()) {
      throw bad(name + " applies to TLS only: write rediss:// to connect with TLS");
    }
    Endpoint::Tls& tls = endpoint_.tls;
    if (name == "db") {
      if (db_in_path_) throw bad("the database is given twice, after the host and as ?db=: keep one");
      endpoint_.db = database(value, "db");
    } else if (name == "socket_connect_timeout") {
      endpoint_.connect_timeout = seconds(name, value);
    } else if (name == "socket_timeout") {
      endpoint_.command_timeout = seconds(name, value);
    } else if (name == "ssl_ca_certs") {
      tls.ca_certs = value;
    } else if (name == "ssl_certfile") {
      tls.certfile = value;
    } else if (name == "ssl_keyfile") {
      tls.keyfile = value;
    } else if (name == "ssl_cert_reqs") {
      const std::string v = lowercase(value);
      if (v == "required" || v == "cert_required") {
        tls.cert_reqs = Endpoint::Tls::Verify::required;
      } else if (v == "optional" || v == "cert_optional") {
        tls.cert_reqs = Endpoint::Tls::Verify::optional;
      } else if (v == "none" || v == "cert_none") {
        tls.cert_reqs = Endpoint::Tls::Verify::none;
      } else {
        throw bad("ssl_cert_reqs=" + value + " is not one of required, optional, none");
      }
    } else if (name == "ssl_check_hostname") {
      const std::string v = lowercase(value);
      if (v == "true" || v == "1" || v == "yes") {
        tls.check_hostname = true;
      } else if (v == "false" || v == "0" || v == "no") {
        tls.check_hostname = false;
      } else {
        throw bad("ssl_check_hostname=" + value + " is not true or false");
      }
    } else {
      throw bad(unknown(name));
    }
  }

  static std::string unknown(const std::string& name) {
    std::string_view nearest;
    std::size_t best = 4;  // more edits than this is not a typo
    for (std::string_view known : kParameters) {
      const std::size_t d = edit_distance(lowercase(name), known);
      if (d < best) {
        best = d;
        nearest = known;
      }
    }
    std::string why = "unknown query parameter '" + name + "'";
    if (!nearest.empty()) why += " (did you mean " + std::string(nearest) + "?)";
    why += "; bgtasks reads";
    for (std::size_t i = 0; i < kParameters.size(); ++i) why += (i == 0 ? " " : ", ") + std::string(kParameters[i]);
    return why;
  }

  std::string_view url_;
  std::string shown_;
  Endpoint endpoint_;
  bool db_in_path_ = false;
};

}  // namespace

Endpoint Endpoint::parse(std::string_view url) { return Parser(url, masked(url)).parse(); }

std::string Endpoint::url() const {
  std::string out = kind == Kind::tls ? "rediss://" : kind == Kind::unix_socket ? "unix://" : "redis://";
  if (!username.empty() || !password.empty()) {
    out += username;
    if (!password.empty()) out += ":***";
    out += '@';
  }
  if (kind == Kind::unix_socket) {
    out += path;
    if (db != 0) out.append("?db=").append(std::to_string(db));
    return out;
  }
  // Appended piece by piece: GCC 12 at -O3 warns wrongly (-Wrestrict) about
  // `"literal" + std::string`.
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) out += '[';
  out += host;
  if (ipv6) out += ']';
  out.append(":").append(std::to_string(port));
  if (db != 0) out.append("/").append(std::to_string(db));
  return out;
}

}  // namespace bg::redis
