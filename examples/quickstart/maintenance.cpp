// A task defined in a source file only, with no header: the generated header
// declares it. It takes bg::Context first, so the runtime passes the stop
// token, and a cooperative task can end early at shutdown.
#include <bg/bg.hpp>
#include <bg/task.hpp>

#include <chrono>
#include <iostream>
#include <thread>

namespace app::maintenance {

[[bg::task]] void rebuild_index(const bg::Context& context, int shards) {
  for (int shard = 0; shard < shards; ++shard) {
    if (context.stop_token.stop_requested()) {
      std::cout << "  [task] " << context.name << " stopped after " << shard << " of " << shards << " shards\n";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::cout << "  [task] " << context.name << " rebuilt " << shards << " shards\n";
}

}  // namespace app::maintenance
