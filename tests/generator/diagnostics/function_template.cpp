#include <bg/task.hpp>
template <class T>
[[bg::task]] void process(T value);
