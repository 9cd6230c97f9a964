#pragma once
#include <bg/task.hpp>
#include <string>

namespace media {
[[bg::task]] void make_thumbnail(std::string path, int size);
}
