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

}  // namespace
}  // namespace bg::gen
