// expect: the task is a coroutine, and no coroutine runner is included
// A coroutine given to add_task without <bg/asio.hpp> would be created and
// dropped unrun; it is a build error instead.
#include <asio/awaitable.hpp>

#include <bg/bg.hpp>

asio::awaitable<void> ping();
void call(bg::Lifespan& life) { life.add_task(&ping); }
