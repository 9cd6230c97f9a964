#include <bg/context.hpp>
#include <bg/task.hpp>
[[bg::task]] void mutate(bg::Context& ctx, int shard);
[[bg::task]] void late(int shard, bg::Context ctx);
