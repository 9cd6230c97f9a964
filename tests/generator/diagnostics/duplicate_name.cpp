#include <bg/task.hpp>
namespace mail {
[[bg::task]] void send(int id);
}
namespace sms {
[[bg::task]] void send(int id);
}
