// Two libraries linked into one program, each with a task named
// "send_notification": bg::registry() refuses to guess which one a name means
// and throws, naming both places. The second table stands for another
// library's generated source, registered the way generated code does it.
#include <gtest/gtest.h>

#include <string>

#include <bg/errors.hpp>
#include <bg/registry.hpp>

// Included, not called: the generated header alone keeps the static
// library's table in the program.
#include "bg_tasks.hpp"

namespace {

constexpr bg::TaskInfo other_library[] = {
    {.name = "send_notification", .function = "other::send_notification",
     .signature = "void other::send_notification()", .file = "other/mail.hpp", .line = 7},
};
constinit bg::detail::RegistryTable other_table{other_library, "other_tasks.cpp"};
[[maybe_unused]] const bool registered = (bg::detail::register_table(other_table), true);

TEST(RegistryDuplicate, TwoLibrariesWithOneTaskNameIsAnErrorNamingBoth) {
  try {
    (void)bg::registry();
    FAIL() << "bg::registry() accepted two tasks named send_notification";
  } catch (const bg::DuplicateTaskName& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("two tasks are named 'send_notification'"), std::string::npos) << what;
    EXPECT_NE(what.find("other/mail.hpp:7 (other_tasks.cpp)"), std::string::npos) << what;
    EXPECT_NE(what.find("tasks/test_tasks.hpp"), std::string::npos) << what;
    EXPECT_NE(what.find("[[bg::task(\"other_name\")]]"), std::string::npos) << what;
  }
  // Still refused on the next call: nothing half-built is left behind.
  EXPECT_THROW((void)bg::registry(), bg::DuplicateTaskName);
}

}  // namespace
