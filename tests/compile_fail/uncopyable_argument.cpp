// expect: bg::add_task: an argument (or the function object) cannot be copied or moved
#include <bg/bg.hpp>
#include <mutex>

void lock(const std::mutex&);

void submit(bg::Lifespan& life, std::mutex& m) { life.add_task(lock, m); }
