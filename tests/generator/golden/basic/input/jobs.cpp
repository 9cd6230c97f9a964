// Golden input: a task defined in a source file only (the generated header
// declares it), taking bg::Context first, at global scope.
#include <bg/bg.hpp>
#include <bg/task.hpp>

[[bg::task]] void nightly_report(const bg::Context& context, unsigned days) {
  (void)context;
  (void)days;
}

// bg::Context by value is as good as by const reference.
[[bg::task]] void reindex(bg::Context context, int shard) { (void)context.id; (void)shard; }
