#include <bg/task.hpp>
struct LocalOrder {
  int id;
};
[[bg::task]] void handle(LocalOrder order);
