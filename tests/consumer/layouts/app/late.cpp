// Added with target_sources after bg_generate_tasks(app).
#include <bg/task.hpp>
#include <string>

[[bg::task]] void late_task(std::string what);
void late_task(std::string what) { (void)what; }
