// Golden input: coroutine tasks beside a blocking one, and a coroutine task
// defined in a source file only (the generated header declares it).
#include "hooks.hpp"

namespace hooks {

asio::awaitable<void> call_webhook(std::string url, std::string body, int attempts) {
  (void)url;
  (void)body;
  (void)attempts;
  co_return;
}

asio::awaitable<int> send_digest(bg::Context context, std::vector<std::string> to) {
  (void)context;
  co_return static_cast<int>(to.size());
}

[[bg::task]] void rotate_keys(int keep) { (void)keep; }

[[bg::task]] asio::awaitable<void> warm_cache(const std::string& region) {
  (void)region;
  co_return;
}

}  // namespace hooks
