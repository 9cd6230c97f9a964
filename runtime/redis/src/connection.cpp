#include "connection.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <sys/time.h>

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

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
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

Connection::Connection(const Endpoint& endpoint) : endpoint_(endpoint) {
  context_ = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(std::chrono::seconds(2)));
  if (context_ == nullptr) throw Error("bg::redis: cannot connect to " + endpoint.url() + ": out of memory");
  if (context_->err != 0) {
    const std::string why = context_->errstr;
    redisFree(context_);
    context_ = nullptr;
    throw Error("bg::redis: cannot connect to " + endpoint.url() + ": " + why +
                " (is redis-server running there? see the README's 'Durable tasks on Redis')");
  }
  set_timeout(std::chrono::seconds(10));
}

Connection::~Connection() {
  if (context_ != nullptr) redisFree(context_);
}

void Connection::set_timeout(std::chrono::milliseconds timeout) {
  if (redisSetTimeout(context_, to_timeval(timeout)) != REDIS_OK) fail("setting the timeout", context_->errstr);
}

void Connection::fail(std::string_view command, const std::string& why) {
  broken_ = true;
  throw Error("bg::redis: " + std::string(command) + " on " + endpoint_.url() + " failed: " + why);
}

void Connection::append(const Argv& argv) {
  std::vector<const char*> args;
  std::vector<std::size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), args.data(), lengths.data()) != REDIS_OK) {
    fail(argv.empty() ? "a command" : argv.front(), context_->errstr);
  }
}

Reply Connection::read(std::string_view command) {
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) fail(command, context_->errstr);
  auto* reply = static_cast<redisReply*>(raw);
  Reply out = copy(reply);
  freeReplyObject(reply);
  return out;
}

Reply Connection::run_unchecked(const Argv& argv) {
  if (broken_) fail(argv.front(), "the connection broke earlier");
  append(argv);
  return read(argv.front());
}

Reply Connection::run(const Argv& argv) {
  Reply reply = run_unchecked(argv);
  check(reply, argv.front());
  return reply;
}

std::vector<Reply> Connection::pipeline(const std::vector<Argv>& commands) {
  if (commands.empty()) return {};
  if (broken_) fail(commands.front().front(), "the connection broke earlier");
  for (const Argv& argv : commands) append(argv);
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (const Argv& argv : commands) replies.push_back(read(argv.front()));
  return replies;
}

void check(const Reply& reply, std::string_view what) {
  if (reply.type == Reply::Type::error) throw Error("bg::redis: " + std::string(what) + ": " + reply.str);
}

std::int64_t unix_ms(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

}  // namespace bg::redis
