// expect: is not a constant expression
#include <bg/bg.hpp>
#include <string>

// A task name must be a compile-time constant (its characters must outlive
// every report), so a runtime string is refused.
void submit(bg::Lifespan& life, const std::string& name) {
  life.add_named_task(name.c_str(), [] {});
}
