// bg::redis::Endpoint: where a Redis server is and how to reach it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <bg/errors.hpp>

namespace bg::redis {

/// A Redis error, a lost connection, or a reply bgtasks did not expect.
/// what() names the command and the server (never a password).
class Error : public bg::Error {
 public:
  using bg::Error::Error;
};

/// A command may have reached the server and its reply was lost (a timeout
/// or a broken connection after the command was sent): whether it took
/// effect is unknown. An enqueue that throws this may have been stored; a
/// producer that sends again must accept that the task may run twice.
/// Any other bg::redis::Error from an enqueue means nothing was stored.
class OutcomeUnknown : public Error {
 public:
  using Error::Error;
};

/// Where the server is and how to reach it, parsed from the URL syntax that
/// redis-py and Celery use, so that a Python producer and a C++ worker share
/// one setting (docs/redis-connections.md has every form):
///
///   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?PARAMS]     TCP
///   rediss://[[USER]:PASSWORD@]HOST[:PORT][/DB][?PARAMS]    TLS
///   unix://[[USER]:PASSWORD@]/PATH[?db=DB&PARAMS]           Unix socket
///   HOST:PORT, HOST                                         as redis://
///
/// HOST may be an IPv6 literal in brackets ([::1]); PORT is 6379 unless
/// given. PARAMS: db, socket_connect_timeout and socket_timeout (seconds),
/// and for rediss:// ssl_ca_certs, ssl_certfile, ssl_keyfile, ssl_cert_reqs,
/// ssl_check_hostname. Plain data: copying is thread-safe, as is reading
/// one from several threads.
struct Endpoint {
  /// How the connection is carried.
  enum class Kind {
    tcp,          ///< redis://
    tls,          ///< rediss://: TLS over TCP
    unix_socket,  ///< unix:// (also redis+socket://, as kombu writes it)
  };
  /// TLS settings (rediss:// only), named after redis-py's query parameters.
  struct Tls {
    enum class Verify {
      required,  ///< the server's certificate must verify (the default)
      optional,  ///< as required: a TLS server always presents a certificate
      none,      ///< nothing is verified: for tests only, never in production
    };
    std::string ca_certs = {};  ///< ssl_ca_certs: CA bundle (PEM); empty: the system's CAs
    std::string certfile = {};  ///< ssl_certfile: client certificate (PEM) for mutual TLS
    std::string keyfile = {};   ///< ssl_keyfile: its private key (PEM); empty: in certfile
    Verify cert_reqs = Verify::required;  ///< ssl_cert_reqs
    bool check_hostname = true;           ///< ssl_check_hostname: HOST must match the certificate
  };

  std::string host = "127.0.0.1";  ///< name or IP address (IPv6 without brackets); not for unix_socket
  int port = 6379;
  Kind kind = Kind::tcp;
  std::string path = {};      ///< the socket's path (unix_socket)
  int db = 0;            ///< SELECTed after connecting when not 0
  std::string username = {};  ///< ACL user; empty: legacy AUTH with the password alone
  std::string password = {};  ///< empty: no AUTH. Never printed: url() masks it.
  Tls tls = {};
  /// Connecting (TCP or socket connect, TLS handshake) fails after this.
  std::chrono::milliseconds connect_timeout{2'000};
  /// A command fails when the server sends nothing for this long
  /// (socket_timeout). A worker raises it for its blocking reads.
  std::chrono::milliseconds command_timeout{10'000};

  /// Parses an address (see above). Throws bg::redis::Error naming what is
  /// wrong and how to write it; the message never contains the password.
  static Endpoint parse(std::string_view url);
  /// The address as a URL with the password masked
  /// ("redis://alice:***@cache.internal:6380/2"): what messages, logs and
  /// operators' views show. Query parameters other than db are left out.
  [[nodiscard]] std::string url() const;
};

}  // namespace bg::redis
