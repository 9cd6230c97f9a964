// Connection: RESP over a transport. Commands are formatted into one buffer
// and written at once; replies are read in large chunks and parsed by
// hiredis' reader. What failed, and whether the server may have applied the
// command, decides between Error and OutcomeUnknown.
#include "connection.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

#include "transport.hpp"

namespace bg::redis {
namespace {

Reply copy(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_NIL:
      out.type = Reply::Type::nil;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy(r->element[i]));
      break;
    default:
      out.type = Reply::Type::error;
      out.str = "a reply of a type bgtasks does not read (" + std::to_string(r->type) + ")";
  }
  return out;
}

// Replies are read in chunks this large: a pipeline of thousands of
// settlements comes back in a few reads.
constexpr std::size_t kReadChunk = 64 * 1024;
// A buffer grown past this by one huge pipeline is given back afterwards.
constexpr std::size_t kKeptBuffer = 1024 * 1024;
using Clock = std::chrono::steady_clock;
// Idle this long, a connection is checked for a close by the server before
// it is used (see prepare).
constexpr std::chrono::milliseconds kIdleCheck{1};

std::string pipeline_name(const std::vector<Argv>& commands) {
  std::string name = commands.front().empty() ? "an empty command" : commands.front().front();
  if (commands.size() > 1) name += " and " + std::to_string(commands.size() - 1) + " more pipelined commands";
  return name;
}

}  // namespace

std::string Reply::text() const {
  if (type == Type::integer) return std::to_string(integer);
  return str;
}

long long Reply::number() const {
  if (type == Type::integer) return integer;
  long long value = 0;
  const auto [end, ec] = std::from_chars(str.data(), str.data() + str.size(), value);
  if (ec != std::errc{} || end != str.data() + str.size()) {
    throw Error("bg::redis: expected a number in a reply, got '" + str + "'");
  }
  return value;
}

void Connection::ReaderFree::operator()(redisReader* reader) const noexcept { redisReaderFree(reader); }

Connection::Connection(const Endpoint& endpoint)
    : endpoint_(endpoint), timeout_(endpoint.command_timeout), in_(kReadChunk) {
  open();
}

Connection::~Connection() = default;

void Connection::set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

void Connection::open() {
  transport_.reset();
  reader_.reset();
  broken_ = true;  // until the handshake below has succeeded
  const auto deadline = net::Clock::now() + endpoint_.connect_timeout;
  const auto cannot = [&](const std::string& why) {
    return Error("bg::redis: cannot connect to " + endpoint_.url() + ": " + why);
  };
  net::FileDescriptor socket;
  try {
    socket = net::connect_socket(endpoint_, deadline);
  } catch (const net::TransportError& e) {
    std::string why = e.what();
    if (endpoint_.kind != Endpoint::Kind::unix_socket) {
      why += " (is redis-server running there? see docs/durable-tasks.md in bgtasks)";
    }
    throw cannot(why);
  }
  try {
    transport_ = endpoint_.kind == Endpoint::Kind::tls ? net::tls_transport(std::move(socket), endpoint_, deadline)
                                                       : net::plain_transport(std::move(socket));
  } catch (const net::TransportError& e) {
    throw cannot(e.what());
  }
  reader_.reset(redisReaderCreate());
  if (!reader_) throw cannot("out of memory");
  hello();
  broken_ = false;
  last_used_ = Clock::now();
}

void Connection::hello() {
  // One round trip: AUTH and SELECT when needed, else a PING, so that a
  // server that will not talk to us (a TLS port spoken to in plaintext, a
  // client certificate refused after a TLS 1.3 handshake, a password it
  // requires) is found here, before any command of the caller is sent.
  std::vector<Argv> commands;
  const bool auth = !endpoint_.password.empty();
  if (auth) {
    commands.push_back(endpoint_.username.empty() ? Argv{"AUTH", endpoint_.password}
                                                  : Argv{"AUTH", endpoint_.username, endpoint_.password});
  }
  if (endpoint_.db != 0) commands.push_back({"SELECT", std::to_string(endpoint_.db)});
  if (commands.empty()) commands.push_back({"PING"});
  out_.clear();
  for (const Argv& argv : commands) append(argv);
  std::vector<Reply> replies;
  // Part of connecting: bounded by socket_connect_timeout, not by the
  // command timeout (which a worker raises for its blocking reads).
  const std::chrono::milliseconds command_timeout = timeout_;
  timeout_ = endpoint_.connect_timeout;
  try {
    transport_->write(out_, timeout_);
    for (std::size_t i = 0; i < commands.size(); ++i) replies.push_back(receive());
    timeout_ = command_timeout;
  } catch (const net::TransportError& e) {
    timeout_ = command_timeout;
    std::string why = "cannot connect to " + endpoint_.url() + ": " + e.what();
    const bool timed_out = std::string_view(e.what()).find(" within ") != std::string_view::npos;
    if (timed_out) {
      why += " (the server took the connection and did not answer: is it busy, paused or overloaded?)";
    } else if (endpoint_.kind != Endpoint::Kind::tls) {
      // A TLS port closes a connection that speaks plaintext to it.
      why += " (if this is the server's TLS port, connect with rediss://)";
    } else if (endpoint_.tls.certfile.empty()) {
      // With TLS 1.3 the server checks the client's certificate after the
      // handshake, and refuses by an alert or a reset on the first read.
      why += " (does the server require a client certificate, tls-auth-clients? set ssl_certfile and ssl_keyfile)";
    }
    throw Error("bg::redis: " + why);
  }
  out_.clear();
  std::size_t next = 0;
  if (auth) {
    const Reply& reply = replies[next++];
    if (reply.type == Reply::Type::error) {
      throw Error("bg::redis: authentication to " + endpoint_.url() + " failed: " + reply.str + "; check the " +
                  (endpoint_.username.empty() ? "password" : "user name and password") + " in the URL");
    }
  }
  for (; next < replies.size(); ++next) {
    const Reply& reply = replies[next];
    if (reply.type != Reply::Type::error) continue;
    if (reply.str.starts_with("NOAUTH")) {
      throw Error("bg::redis: " + endpoint_.url() + " requires a password: " + reply.str +
                  "; write it in the URL: redis://:PASSWORD@HOST, or redis://USER:PASSWORD@HOST for an ACL user");
    }
    if (commands[next].front() == "SELECT") {
      throw Error("bg::redis: SELECT " + std::to_string(endpoint_.db) + " on " + endpoint_.url() +
                  " failed: " + reply.str + " (see 'databases' in the server's redis.conf)");
    }
    throw Error("bg::redis: " + commands[next].front() + " on " + endpoint_.url() + " failed: " + reply.str);
  }
}

void Connection::fail(std::string_view command, const std::string& why) {
  broken_ = true;
  throw Error("bg::redis: " + std::string(command) + " on " + endpoint_.url() + " failed: " + why);
}

void Connection::fail_unknown(std::string_view command, const std::string& why) {
  broken_ = true;
  throw OutcomeUnknown("bg::redis: " + std::string(command) + " on " + endpoint_.url() +
                       " failed, outcome unknown (the command may have been applied): " + why);
}

void Connection::prepare(std::string_view command) {
  if (broken_) fail(command, "the connection broke earlier");
  // A connection the server closed while it idled (a restart, its idle
  // timeout, CLIENT KILL) is made again before anything is sent: sending on
  // it would only lose the reply, and make the outcome unknown.
  // A connection that idled is peeked at (one non-blocking system call)
  // first, so a producer is not told "outcome unknown" for a command it
  // could have known it was not sending. A connection in continuous use
  // learns of a close from its own reads, and skips the peek.
  if (Clock::now() - last_used_ >= kIdleCheck && transport_->closed()) open();
  out_.clear();
}

void Connection::append(const Argv& argv) {
  arguments_.clear();
  lengths_.clear();
  for (const std::string& a : argv) {
    arguments_.push_back(a.data());
    lengths_.push_back(a.size());
  }
  char* formatted = nullptr;
  const int length = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), arguments_.data(), lengths_.data());
  if (length < 0 || formatted == nullptr) fail(argv.empty() ? "a command" : argv.front(), "out of memory formatting it");
  out_.append(formatted, static_cast<std::size_t>(length));
  redisFreeCommand(formatted);
}

void Connection::send(std::string_view command) {
  try {
    transport_->write(out_, timeout_);
  } catch (const net::TransportError& e) {
    if (e.maybe_sent()) fail_unknown(command, e.what());
    fail(command, e.what());
  }
  if (out_.capacity() > kKeptBuffer) {
    out_ = std::string();
  } else {
    out_.clear();
  }
}

Reply Connection::receive() {
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
      throw net::TransportError(std::string("a reply bgtasks cannot parse: ") + reader_->errstr);
    }
    if (raw != nullptr) {
      auto* reply = static_cast<redisReply*>(raw);
      Reply out = copy(reply);
      freeReplyObject(reply);
      return out;
    }
    const std::size_t n = transport_->read(in_.data(), in_.size(), timeout_);
    if (redisReaderFeed(reader_.get(), in_.data(), n) != REDIS_OK) {
      throw net::TransportError("out of memory reading a reply");
    }
  }
}

Reply Connection::read(std::string_view command) {
  try {
    Reply reply = receive();
    last_used_ = Clock::now();
    return reply;
  } catch (const net::TransportError& e) {
    fail_unknown(command, e.what());
  }
}

Reply Connection::run_unchecked(const Argv& argv) {
  if (argv.empty()) throw Error("bg::redis: an empty command");
  prepare(argv.front());
  append(argv);
  send(argv.front());
  Reply reply = read(argv.front());
  return reply;
}

Reply Connection::run(const Argv& argv) {
  Reply reply = run_unchecked(argv);
  check(reply, argv.front());
  return reply;
}

std::vector<Reply> Connection::pipeline(const std::vector<Argv>& commands) {
  if (commands.empty()) return {};
  for (const Argv& argv : commands) {
    if (argv.empty()) throw Error("bg::redis: an empty command in a pipeline");
  }
  const std::string name = pipeline_name(commands);
  prepare(name);
  for (const Argv& argv : commands) append(argv);
  send(name);
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) replies.push_back(read(name));
  return replies;
}

void check(const Reply& reply, std::string_view what) {
  if (reply.type == Reply::Type::error) throw Error("bg::redis: " + std::string(what) + ": " + reply.str);
}

std::int64_t unix_ms(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

}  // namespace bg::redis
