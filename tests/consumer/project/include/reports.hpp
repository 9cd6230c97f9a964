// A task with its durable queue declared beside it (bgtasks::redis).
#pragma once

#include <string>

#include <bg/task.hpp>

[[bg::task, bg::queue("reports")]] void build_report(std::string name, int pages = 1);
