#include <bg/task.hpp>
struct Money {
  int cents;
};
[[bg::task]] Money operator+(Money a, Money b);
