// Tasks declared in a header that only main.cpp and jobs.cpp include: bg-gen
// learns about edits to it through its depfile.
#pragma once

#include <bg/task.hpp>

#include <string>
#include <vector>

namespace consumer {

std::vector<std::string>& journal();

[[bg::task]] void record(std::string line);

}  // namespace consumer
