#include "bench_tasks.hpp"

namespace bench {

void noop() {}

}  // namespace bench
