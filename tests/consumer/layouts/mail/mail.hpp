#pragma once
#include <bg/task.hpp>
#include <string>

#if FEATURE_MAIL  // defined only in CMAKE_CXX_FLAGS
[[bg::task]] void mail_job(std::string to);
#endif
#if defined(linux)  // predefined only with gnu++ extensions
[[bg::task]] void linux_only(int n);
#endif
