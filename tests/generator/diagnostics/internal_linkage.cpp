#include <bg/task.hpp>
[[bg::task]] static void tidy(int days);
namespace {
[[bg::task]] void sweep(int days);
}
