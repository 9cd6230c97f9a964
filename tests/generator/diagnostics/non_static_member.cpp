#include <bg/task.hpp>
struct Mailer {
  [[bg::task]] void flush(int batch);
};
