// check() on hand-built models: each rule fires on its fact and says how to
// fix the code; a clean model gives no diagnostics.
#include <gtest/gtest.h>

#include "src/check.hpp"

namespace bg::gen {
namespace {

Task task_named(std::string name, std::string function, unsigned line) {
  Task t;
  t.usr = "usr:" + function;
  t.name = std::move(name);
  t.function = std::move(function);
  t.short_name = t.name;
  t.return_type = "void";
  t.declared_in_header = true;
  t.pos = {"a.cpp", line, 19};
  t.attribute_pos = {"a.cpp", line, 3};
  return t;
}

TEST(Check, CleanModelHasNoDiagnostics) {
  Model model;
  model.tasks.push_back(task_named("send", "app::send", 1));
  EXPECT_TRUE(check(model).empty());
}

TEST(Check, DuplicateNamesPointAtBothAndSuggestAName) {
  Model model;
  model.tasks.push_back(task_named("send", "mail::send", 1));
  model.tasks.push_back(task_named("send", "sms::send", 5));
  auto diagnostics = check(model);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].pos.line, 5u);
  EXPECT_NE(diagnostics[0].message.find("[[bg::task(\"sms_send\")]]"), std::string::npos) << diagnostics[0].message;
  ASSERT_EQ(diagnostics[0].notes.size(), 1u);
  EXPECT_EQ(diagnostics[0].notes[0].pos.line, 1u);
}

TEST(Check, AFunctionThatCannotBeATaskIsReportedOnceNotPerParameter) {
  Model model;
  Task t = task_named("tmpl", "app::tmpl", 3);
  t.is_template = true;
  Param p;
  p.name = "view";
  p.dangling = Dangling::string_view;
  t.params.push_back(p);
  model.tasks.push_back(t);
  auto diagnostics = check(model);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_NE(diagnostics[0].message.find("is a template"), std::string::npos);
}

TEST(Check, DiagnosticsAreOrderedByPosition) {
  Model model;
  Task late = task_named("late", "late", 9);
  late.variadic = true;
  Task early = task_named("early", "early", 2);
  early.internal_linkage = true;
  model.tasks = {late, early};
  auto diagnostics = check(model);
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics[0].pos.line, 2u);
  EXPECT_EQ(diagnostics[1].pos.line, 9u);
}

TEST(Check, ANodiscardReturnIsAWarningThatDoesNotStopGeneration) {
  Model model;
  model.tasks.push_back(task_named("probe", "app::probe", 3));
  model.tasks[0].return_type = "app::Status";
  model.tasks[0].returns = ReturnKind::nodiscard_value;
  auto diagnostics = check(model);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_TRUE(diagnostics[0].warning);
  EXPECT_EQ(error_count(diagnostics), 0u);
  EXPECT_NE(diagnostics[0].message.find("returns 'app::Status', marked [[nodiscard]]"), std::string::npos)
      << diagnostics[0].message;
  EXPECT_NE(render(diagnostics).find(": warning: "), std::string::npos);
  model.tasks[0].returns = ReturnKind::expected;  // its error is reported as a failure: nothing to say
  EXPECT_TRUE(check(model).empty());
}

TEST(Check, DefaultsOnASourceOnlyTaskAreAnErrorAndInAHeaderAreFine) {
  Model model;
  model.tasks.push_back(task_named("retry", "app::retry", 3));
  Param attempts;
  attempts.name = "attempts";
  attempts.declared_type = attempts.stored_type = "int";
  attempts.default_text = "3";
  model.tasks[0].params.push_back(attempts);
  model.tasks[0].declared_in_header = true;
  EXPECT_TRUE(check(model).empty());
  model.tasks[0].declared_in_header = false;
  auto diagnostics = check(model);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_NE(diagnostics[0].message.find("declare the function in a header"), std::string::npos);
}

}  // namespace
}  // namespace bg::gen
