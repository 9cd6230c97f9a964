// Reaching a production Redis: every address form, credentials, databases,
// Unix sockets, IPv6, TLS (verified, mutual, and each way it must refuse)
// and timeouts, each against a real redis-server, end to end: a producer
// enqueues through the address and a worker reached through the same
// address runs the task. The task is registered by hand
// (hand_registered_task.hpp), so this runs in the ThreadSanitizer build.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <bg/lifespan.hpp>
#include <bg/redis.hpp>
#include <bg/registry.hpp>

#include "hand_registered_task.hpp"
#include "redis_server.hpp"
#include "tls_certs.hpp"

namespace {

using namespace std::chrono_literals;
using bg::redis::Endpoint;

/// The end-to-end check of an address: a producer enqueues through it, a
/// worker reached through it runs the task.
void round_trip(const std::string& url, const std::string& key) {
  SCOPED_TRACE(url);
  const Endpoint endpoint = Endpoint::parse(url);
  bg::redis::Client client(endpoint);
  client.enqueue("conn", "hand_record", "[\"" + key + "\"]");
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, endpoint, {.queues = {"conn"}, .consumer = "c", .poll = 20ms});
  worker.start();
  EXPECT_TRUE(bg_test::seen.wait_for(key, 20s)) << "the task never ran";
  worker.stop();
  EXPECT_EQ(worker.stats().completed, 1U);
}

/// The message of the bg::redis::Error `f` throws; fails the test when it
/// throws nothing, or OutcomeUnknown (nothing was sent in these cases).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const bg::redis::OutcomeUnknown& e) {
    ADD_FAILURE() << "OutcomeUnknown where nothing was sent: " << e.what();
    return e.what();
  } catch (const bg::redis::Error& e) {
    if (std::getenv("BG_SHOW_ERRORS") != nullptr) std::printf("%s\n", e.what());
    return e.what();
  }
  ADD_FAILURE() << "no bg::redis::Error";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --- Parsing ---

TEST(EndpointParse, EveryForm) {
  Endpoint e = Endpoint::parse("redis://cache.internal:6380");
  EXPECT_EQ(e.kind, Endpoint::Kind::tcp);
  EXPECT_EQ(e.host, "cache.internal");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.db, 0);
  EXPECT_EQ(e.connect_timeout, 2000ms);
  EXPECT_EQ(e.command_timeout, 10000ms);

  e = Endpoint::parse("redis://cache.internal");
  EXPECT_EQ(e.port, 6379);
  e = Endpoint::parse("cache.internal");
  EXPECT_EQ(e.host, "cache.internal");
  EXPECT_EQ(e.port, 6379);
  e = Endpoint::parse("10.0.0.5:7000");
  EXPECT_EQ(e.host, "10.0.0.5");
  EXPECT_EQ(e.port, 7000);
  e = Endpoint::parse("redis://");
  EXPECT_EQ(e.host, "localhost");
  EXPECT_EQ(e.port, 6379);
  e = Endpoint::parse("REDIS://h:1/");
  EXPECT_EQ(e.port, 1);
  EXPECT_EQ(e.db, 0);

  e = Endpoint::parse("redis://:s3cret@h:6380/2");
  EXPECT_EQ(e.username, "");
  EXPECT_EQ(e.password, "s3cret");
  EXPECT_EQ(e.db, 2);
  e = Endpoint::parse("redis://alice:pw@h/15");
  EXPECT_EQ(e.username, "alice");
  EXPECT_EQ(e.password, "pw");
  EXPECT_EQ(e.db, 15);
  e = Endpoint::parse("redis://al%69ce:p%40ss%3Aw%2Frd%25@h");  // percent-decoded
  EXPECT_EQ(e.username, "alice");
  EXPECT_EQ(e.password, "p@ss:w/rd%");
  e = Endpoint::parse("redis://:p/ss@h:6380");  // an unencoded '/' in a password
  EXPECT_EQ(e.password, "p/ss");
  EXPECT_EQ(e.host, "h");
  e = Endpoint::parse("redis://h?db=4");
  EXPECT_EQ(e.db, 4);

  e = Endpoint::parse("redis://[::1]:6380/1");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.db, 1);
  e = Endpoint::parse("redis://[fe80::1%25eth0]");
  EXPECT_EQ(e.host, "fe80::1%eth0");  // RFC 6874: %25 is the zone's %
  EXPECT_EQ(e.port, 6379);
  e = Endpoint::parse("[::1]:7000");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 7000);

  e = Endpoint::parse("unix:///run/redis/redis.sock?db=2");
  EXPECT_EQ(e.kind, Endpoint::Kind::unix_socket);
  EXPECT_EQ(e.path, "/run/redis/redis.sock");
  EXPECT_EQ(e.db, 2);
  e = Endpoint::parse("unix://:pw@/run/redis.sock");
  EXPECT_EQ(e.password, "pw");
  EXPECT_EQ(e.path, "/run/redis.sock");
  e = Endpoint::parse("redis+socket:///tmp/r.sock");
  EXPECT_EQ(e.kind, Endpoint::Kind::unix_socket);
  EXPECT_EQ(e.path, "/tmp/r.sock");

  e = Endpoint::parse("rediss://h");
  EXPECT_EQ(e.kind, Endpoint::Kind::tls);
  EXPECT_EQ(e.port, 6379);
  EXPECT_EQ(e.tls.cert_reqs, Endpoint::Tls::Verify::required);  // verified by default
  EXPECT_TRUE(e.tls.check_hostname);
  EXPECT_TRUE(e.tls.ca_certs.empty());
  e = Endpoint::parse(
      "rediss://u:p@h:6390/3?ssl_ca_certs=/etc/ca.pem&ssl_certfile=/c.pem&ssl_keyfile=/k%20ey.pem"
      "&ssl_cert_reqs=optional&ssl_check_hostname=false&socket_connect_timeout=0.25&socket_timeout=1.5");
  EXPECT_EQ(e.port, 6390);
  EXPECT_EQ(e.db, 3);
  EXPECT_EQ(e.tls.ca_certs, "/etc/ca.pem");
  EXPECT_EQ(e.tls.certfile, "/c.pem");
  EXPECT_EQ(e.tls.keyfile, "/k ey.pem");
  EXPECT_EQ(e.tls.cert_reqs, Endpoint::Tls::Verify::optional);
  EXPECT_FALSE(e.tls.check_hostname);
  EXPECT_EQ(e.connect_timeout, 250ms);
  EXPECT_EQ(e.command_timeout, 1500ms);
  EXPECT_EQ(Endpoint::parse("rediss://h?ssl_cert_reqs=CERT_NONE").tls.cert_reqs, Endpoint::Tls::Verify::none);
  EXPECT_EQ(Endpoint::parse("rediss://h?ssl_cert_reqs=none").tls.cert_reqs, Endpoint::Tls::Verify::none);
  EXPECT_EQ(Endpoint::parse("rediss://h?ssl_cert_reqs=CERT_REQUIRED").tls.cert_reqs,
            Endpoint::Tls::Verify::required);
  EXPECT_EQ(Endpoint::parse("rediss://h?ssl_cert_reqs=CERT_OPTIONAL").tls.cert_reqs,
            Endpoint::Tls::Verify::optional);
  EXPECT_EQ(Endpoint::parse("redis://h?socket_timeout=3").command_timeout, 3000ms);
}

TEST(EndpointParse, UrlMasksThePassword) {
  EXPECT_EQ(Endpoint::parse("redis://user:secret@host:6380/2").url(), "redis://user:***@host:6380/2");
  EXPECT_EQ(Endpoint::parse("redis://:secret@host").url(), "redis://:***@host:6379");
  EXPECT_EQ(Endpoint::parse("rediss://host?ssl_ca_certs=/ca.pem").url(), "rediss://host:6379");
  EXPECT_EQ(Endpoint::parse("redis://[::1]:7000").url(), "redis://[::1]:7000");
  EXPECT_EQ(Endpoint::parse("unix://:secret@/run/r.sock?db=3").url(), "unix://:***@/run/r.sock?db=3");
  EXPECT_EQ(Endpoint::parse("host").url(), "redis://host:6379");
  EXPECT_EQ((Endpoint{"127.0.0.1", 7001}).url(), "redis://127.0.0.1:7001");
}

TEST(EndpointParse, EveryErrorNamesThePlaceAndTheFix) {
  const auto error = [](const std::string& url) {
    try {
      Endpoint::parse(url);
    } catch (const bg::redis::Error& e) {
      return std::string(e.what());
    }
    ADD_FAILURE() << url << " parsed";
    return std::string();
  };
  struct Case {
    std::string url, expected;
  };
  const Case cases[] = {
      {"", "no host"},
      {"/run/redis.sock", "no host"},
      {":6379", "no host"},
      {"http://h:6379", "unknown scheme 'http://'"},
      {"redis://h:99999", "the port 99999 is out of range"},
      {"redis://h:0", "out of range"},
      {"redis://h:abc", "the port is not a number"},
      {"redis://h:", "the port is not a number"},
      {"redis://h/two", "is not a number"},
      {"redis://h?db=x", "db 'x' is not a number"},
      {"redis://h/1?db=2", "the database is given twice"},
      {"redis://h?ssl_ca_certs=/ca.pem", "ssl_ca_certs applies to TLS only: write rediss://"},
      {"redis://h?ssl_cert_reqs=none", "applies to TLS only"},
      {"rediss://h?ssl_ca_cert=/ca.pem", "unknown query parameter 'ssl_ca_cert' (did you mean ssl_ca_certs?)"},
      {"redis://h?timeout=5", "unknown query parameter 'timeout'"},
      {"redis://h?socket_timeout=0", "socket_timeout=0 is not a number of seconds"},
      {"redis://h?socket_timeout=soon", "is not a number of seconds"},
      {"redis://h?db", "the parameter db has no value"},
      {"redis://h?db=1&db=2", "given twice"},
      {"rediss://h?ssl_cert_reqs=maybe", "not one of required, optional, none"},
      {"rediss://h?ssl_check_hostname=perhaps", "is not true or false"},
      {"unix://", "no socket path"},
      {"unix://tmp/redis.sock", "three slashes"},
      {"redis://::1:6379", "an IPv6 address goes in brackets"},
      {"redis://[::1:6379", "no closing ']'"},
      {"redis://[::1]x", "after the IPv6 address"},
      {"redis://:p%zz@h", "bad percent-encoding"},
  };
  for (const Case& c : cases) {
    const std::string what = error(c.url);
    EXPECT_TRUE(contains(what, c.expected)) << c.url << " -> " << what;
    EXPECT_TRUE(contains(what, "expected redis://")) << what;  // and the forms that work
  }
  // The password never shows, whatever else is wrong.
  for (const std::string url : {"redis://:hunter2@h:99999", "redis://alice:hunter2@h?bogus=1",
                                "redis://hunter2@h", "redis://:hun/ter2@h:x", "redis://:hunter2@h?db=x",
                                "unix://:hunter2@relative", "redis://:hunter2@[::1",
                                "redis://:6379?hunter2@h", "redis://:6379?hunter2=x@h"}) {
    const std::string what = error(url);
    EXPECT_FALSE(contains(what, "hunter2")) << what;
    EXPECT_FALSE(contains(what, "hun/ter2")) << what;
    EXPECT_TRUE(contains(what, "***")) << what;
  }
  EXPECT_TRUE(contains(error("redis://hunter2@h"), "a user name without a password"));
}

// --- Credentials and databases ---

TEST(RedisConnection, RequirePassWithTheRightPasswordRunsATask) {
  bg_test::RedisServer server({"--requirepass", "p@ss:w/rd"});
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  round_trip("redis://:p%40ss%3Aw%2Frd@" + host, "requirepass");

  const std::string wrong = error_of([&] {
    bg::redis::Client("redis://:wrong-pw@" + host).enqueue("conn", "hand_record", "[\"x\"]");
  });
  EXPECT_TRUE(contains(wrong, "authentication to redis://:***@" + host + " failed: WRONGPASS")) << wrong;
  EXPECT_TRUE(contains(wrong, "check the password in the URL")) << wrong;
  EXPECT_FALSE(contains(wrong, "wrong-pw")) << wrong;

  const std::string none = error_of([&] {
    bg::redis::Client("redis://" + host).enqueue("conn", "hand_record", "[\"x\"]");
  });
  EXPECT_TRUE(contains(none, "requires a password: NOAUTH")) << none;
  EXPECT_TRUE(contains(none, "write it in the URL")) << none;

  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, Endpoint::parse("redis://:wrong-pw@" + host), {.queues = {"conn"}});
  const std::string from_worker = error_of([&] { worker.start(); });
  EXPECT_TRUE(contains(from_worker, "WRONGPASS")) << from_worker;
  EXPECT_FALSE(contains(from_worker, "wrong-pw")) << from_worker;
}

TEST(RedisConnection, AclUserRunsATask) {
  bg_test::RedisServer server(
      {"--user", "alice", "on", ">alice-pw", "~*", "&*", "+@all", "--user", "default", "off"});
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  round_trip("redis://alice:alice-pw@" + host, "acl");

  const std::string wrong = error_of([&] { bg::redis::Client("redis://alice:nope-pw@" + host).command({"PING"}); });
  EXPECT_TRUE(contains(wrong, "authentication to redis://alice:***@" + host + " failed: WRONGPASS")) << wrong;
  EXPECT_TRUE(contains(wrong, "check the user name and password")) << wrong;
  EXPECT_FALSE(contains(wrong, "nope-pw")) << wrong;
  const std::string unknown_user = error_of([&] { bg::redis::Client("redis://bob:alice-pw@" + host).command({"PING"}); });
  EXPECT_TRUE(contains(unknown_user, "WRONGPASS")) << unknown_user;
  const std::string anonymous = error_of([&] { bg::redis::Client("redis://" + host).command({"PING"}); });
  EXPECT_TRUE(contains(anonymous, "requires a password")) << anonymous;
}

TEST(RedisConnection, DatabaseNumberSelectsTheDatabase) {
  bg_test::RedisServer server;
  round_trip(server.url() + "/3", "db3");
  EXPECT_NE(bg::redis::Client(server.url() + "/3").command({"DBSIZE"}), "0");
  EXPECT_EQ(bg::redis::Client(server.url()).command({"DBSIZE"}), "0");
  EXPECT_EQ(bg::redis::Client(server.url() + "?db=3").command({"EXISTS", "bg:{conn}:stream"}), "1");

  const std::string out_of_range = error_of([&] { bg::redis::Client(server.url() + "/99").command({"PING"}); });
  EXPECT_TRUE(contains(out_of_range, "SELECT 99 on redis://127.0.0.1:")) << out_of_range;
  EXPECT_TRUE(contains(out_of_range, "'databases'")) << out_of_range;
}

// --- Unix sockets and IPv6 ---

TEST(RedisConnection, UnixSocketWithDatabaseRunsATask) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("bg-conn-" + std::to_string(::getpid()) + ".sock")).string();
  bg_test::RedisServer server({"--unixsocket", path, "--unixsocketperm", "700"});
  round_trip("unix://" + path + "?db=2", "unix");
  EXPECT_NE(bg::redis::Client("unix://" + path + "?db=2").command({"DBSIZE"}), "0");
  EXPECT_EQ(bg::redis::Client("redis+socket://" + path).command({"DBSIZE"}), "0");
  EXPECT_EQ(bg::redis::Client(server.url() + "/2").command({"EXISTS", "bg:{conn}:stream"}), "1");

  const std::string missing = error_of([&] { bg::redis::Client("unix://" + path + ".nothere").command({"PING"}); });
  EXPECT_TRUE(contains(missing, "cannot connect to unix://" + path + ".nothere: no socket at")) << missing;
}

bool has_ipv6_loopback() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

TEST(RedisConnection, Ipv6LiteralRunsATask) {
  if (!has_ipv6_loopback()) GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
  bg_test::RedisServer server({"--bind", "127.0.0.1", "::1"});
  round_trip("redis://[::1]:" + std::to_string(server.port()), "ipv6");
}

// --- TLS ---

const bg_test::TlsCerts& certs() {
  static const bg_test::TlsCerts made;
  return made;
}

/// A server with a plain port (for RedisServer's readiness check) and a TLS
/// port, presenting `cert`.
struct TlsServer {
  explicit TlsServer(const bg_test::TlsCerts::Pair& cert, bool auth_clients = false)
      : tls_port(bg_test::free_port()),
        server({"--tls-port", std::to_string(tls_port), "--tls-cert-file", cert.cert, "--tls-key-file", cert.key,
                "--tls-ca-cert-file", certs().ca().cert, "--tls-auth-clients", auth_clients ? "yes" : "no"}) {}
  [[nodiscard]] std::string url(const std::string& host = "127.0.0.1") const {
    return "rediss://" + host + ":" + std::to_string(tls_port);
  }
  int tls_port;
  bg_test::RedisServer server;
};

std::string ca_param(const std::string& file) { return "ssl_ca_certs=" + file; }

TEST(RedisTls, ServerVerifiedRunsATask) {
  TlsServer tls(certs().server());
  round_trip(tls.url() + "?" + ca_param(certs().ca().cert), "tls-ip");
  round_trip(tls.url("localhost") + "/1?" + ca_param(certs().ca().cert), "tls-name");
}

TEST(RedisTls, MutualTlsRunsATaskAndRefusesAClientWithoutCertificate) {
  TlsServer tls(certs().server(), true);
  round_trip(tls.url() + "?" + ca_param(certs().ca().cert) + "&ssl_certfile=" + certs().client().cert +
                 "&ssl_keyfile=" + certs().client().key,
             "mtls");
  const std::string refused = error_of([&] {
    bg::redis::Client(tls.url() + "?" + ca_param(certs().ca().cert)).command({"PING"});
  });
  EXPECT_TRUE(contains(refused, "cannot connect to rediss://127.0.0.1:")) << refused;
  // The server refuses by an alert ("tlsv13 alert certificate required") or,
  // when that is lost, a reset: the message says what may be missing.
  EXPECT_TRUE(contains(refused, "certificate")) << refused;
}

TEST(RedisTls, WrongCaExpiredCertificateAndHostnameMismatchAreRefused) {
  {
    TlsServer tls(certs().server());
    const std::string wrong_ca = error_of([&] {
      bg::redis::Client(tls.url() + "?" + ca_param(certs().other_ca().cert)).command({"PING"});
    });
    // "unable to get local issuer certificate", or "self-signed certificate in
    // certificate chain" when the server sends its CA along.
    EXPECT_TRUE(contains(wrong_ca, "the server's certificate was rejected: ")) << wrong_ca;
    EXPECT_TRUE(contains(wrong_ca, "is not the CA that signed")) << wrong_ca;
    // ssl_cert_reqs=none trusts anything (tests only).
    EXPECT_EQ(bg::redis::Client(tls.url() + "?ssl_cert_reqs=none").command({"PING"}), "PONG");
  }
  {
    TlsServer tls(certs().expired());
    const std::string expired = error_of([&] {
      bg::redis::Client(tls.url() + "?" + ca_param(certs().ca().cert)).command({"PING"});
    });
    EXPECT_TRUE(contains(expired, "certificate has expired")) << expired;
  }
  {
    TlsServer tls(certs().other_host());
    const std::string by_name = error_of([&] {
      bg::redis::Client(tls.url("localhost") + "?" + ca_param(certs().ca().cert)).command({"PING"});
    });
    EXPECT_TRUE(contains(by_name, "hostname mismatch")) << by_name;
    EXPECT_TRUE(contains(by_name, "ssl_check_hostname=false")) << by_name;
    const std::string by_address = error_of([&] {
      bg::redis::Client(tls.url() + "?" + ca_param(certs().ca().cert)).command({"PING"});
    });
    EXPECT_TRUE(contains(by_address, "IP address mismatch")) << by_address;
    round_trip(tls.url("localhost") + "?" + ca_param(certs().ca().cert) + "&ssl_check_hostname=false",
               "tls-no-hostname-check");
  }
}

TEST(RedisTls, MissingFilesAndWrongPortsFailCleanly) {
  TlsServer tls(certs().server());
  const std::string missing = error_of([&] {
    bg::redis::Client(tls.url() + "?ssl_ca_certs=/nonexistent/ca.pem").command({"PING"});
  });
  EXPECT_TRUE(contains(missing, "cannot read the ssl_ca_certs file /nonexistent/ca.pem")) << missing;
  const std::string key_missing = error_of([&] {
    bg::redis::Client(tls.url() + "?" + ca_param(certs().ca().cert) + "&ssl_certfile=" + certs().client().cert +
                      "&ssl_keyfile=/nonexistent/key.pem")
        .command({"PING"});
  });
  EXPECT_TRUE(contains(key_missing, "cannot read the ssl_keyfile file /nonexistent/key.pem")) << key_missing;

  // Plaintext to the TLS port, and TLS to the plaintext port: a clear error
  // within the timeouts, never a hang and never plaintext.
  auto start = std::chrono::steady_clock::now();
  const std::string plaintext = error_of([&] {
    bg::redis::Client("redis://127.0.0.1:" + std::to_string(tls.tls_port) + "?socket_timeout=2")
        .enqueue("conn", "hand_record", "[\"x\"]");
  });
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(contains(plaintext, "connect with rediss://")) << plaintext;
  start = std::chrono::steady_clock::now();
  const std::string tls_to_plain = error_of([&] {
    bg::redis::Client("rediss://127.0.0.1:" + std::to_string(tls.server.port()) + "?" + ca_param(certs().ca().cert) +
                      "&socket_connect_timeout=1")
        .command({"PING"});
  });
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(contains(tls_to_plain, "cannot connect to rediss://")) << tls_to_plain;
  EXPECT_TRUE(contains(tls_to_plain, "TLS port")) << tls_to_plain;
}

// --- Timeouts and outcomes ---

TEST(RedisConnection, PausedServerFailsWithinSocketTimeoutAsOutcomeUnknown) {
  bg_test::RedisServer server;
  bg::redis::Client client(server.url() + "?socket_timeout=0.3");
  client.enqueue("conn", "hand_record", "[\"before\"]");  // connected
  server.pause();
  const auto start = std::chrono::steady_clock::now();
  try {
    client.enqueue("conn", "hand_record", "[\"during\"]");
    ADD_FAILURE() << "a paused server answered";
  } catch (const bg::redis::OutcomeUnknown& e) {
    const std::string what = e.what();
    EXPECT_TRUE(contains(what, "XADD on " + server.url())) << what;
    EXPECT_TRUE(contains(what, "outcome unknown")) << what;
    EXPECT_TRUE(contains(what, "no reply within 300 ms")) << what;
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 1300ms);
  server.resume();
  // The broken connection is replaced on the next call. The lost XADD did
  // reach the server: "during" is stored too.
  client.enqueue("conn", "hand_record", "[\"after\"]");
  EXPECT_EQ(client.command({"XLEN", "bg:{conn}:stream"}), "3");
}

TEST(RedisConnection, NothingSentIsAPlainErrorAndQuick) {
  // Nothing listens: refused at once.
  auto start = std::chrono::steady_clock::now();
  const std::string refused = error_of([] {
    bg::redis::Client("redis://127.0.0.1:" + std::to_string(bg_test::free_port()))
        .enqueue("conn", "hand_record", "[\"x\"]");
  });
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_TRUE(contains(refused, "cannot connect to redis://127.0.0.1:")) << refused;
  EXPECT_TRUE(contains(refused, "Connection refused")) << refused;

  // A server that accepts (the kernel does) and never answers: the
  // connection's PING times out, before the enqueue is sent.
  bg_test::RedisServer server;
  server.pause();
  start = std::chrono::steady_clock::now();
  const std::string silent = error_of([&] {
    bg::redis::Client(server.url() + "?socket_connect_timeout=0.3&socket_timeout=0.3")
        .enqueue("conn", "hand_record", "[\"x\"]");
  });
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1300ms);
  EXPECT_TRUE(contains(silent, "cannot connect to " + server.url())) << silent;
  server.resume();
}

TEST(RedisConnection, ConnectionTheServerDroppedIsMadeAgainBeforeSending) {
  bg_test::RedisServer server;
  bg::redis::Client client(server.endpoint());
  EXPECT_EQ(client.command({"PING"}), "PONG");
  client.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"});  // the server closes this client too
  std::this_thread::sleep_for(150ms);  // idle: checked before the next command
  // The closed connection is noticed before the XADD is written: it
  // succeeds on a new connection, instead of failing as OutcomeUnknown.
  EXPECT_FALSE(client.enqueue("conn", "hand_record", "[\"x\"]").empty());
  server.restart();
  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(client.enqueue("conn", "hand_record", "[\"y\"]").empty());
  // A batch is one pipeline: every reply comes back, in order.
  bg::redis::Batch batch(client, "conn");
  for (int i = 0; i < 2000; ++i) batch.push("hand_record", "[\"b" + std::to_string(i) + "\"]");
  EXPECT_EQ(batch.send().size(), 2000U);
}

TEST(RedisTls, LargeBatchesAndRepliesCrossTls) {
  TlsServer tls(certs().server());
  bg::redis::Client client(tls.url() + "?" + ca_param(certs().ca().cert));
  bg::redis::Batch batch(client, "big");
  const std::string payload(300, 'p');
  for (int i = 0; i < 5000; ++i) batch.push("hand_record", "[\"" + payload + std::to_string(i) + "\"]");
  EXPECT_EQ(batch.send().size(), 5000U);
  EXPECT_EQ(client.command({"XLEN", "bg:{big}:stream"}), "5000");
  const std::string all = client.command({"XRANGE", "bg:{big}:stream", "-", "+"});
  EXPECT_GT(all.size(), 5000U * 300U);
}

}  // namespace
