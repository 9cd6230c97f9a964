// The durable-task benchmark's task: the same no-op the Celery peer runs.
#pragma once

#include <bg/task.hpp>

namespace bench {

[[bg::task]] void noop();

}  // namespace bench
