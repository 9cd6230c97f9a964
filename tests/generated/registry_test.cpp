// bg::registry(): listing, lookup, and submission by name with JSON
// arguments, including every way a submission is refused (and that nothing
// runs then).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <bg/bg.hpp>
#include <bg/registry.hpp>

#include "bg_tasks.hpp"
#include "test_tasks.hpp"

namespace {

using nlohmann::json;
using testing_tasks::journal;

class Registry : public ::testing::Test {
 protected:
  void SetUp() override { journal().take(); }
  bg::Lifespan life{{.run_inline = true}};
};

TEST_F(Registry, ListsEveryTaskSortedByName) {
  std::vector<std::string> names;
  for (const bg::TaskInfo& task : bg::registry()) names.emplace_back(task.name);
  EXPECT_EQ(names, (std::vector<std::string>{"always_fails", "context_by_value", "count_to", "mailer_flush", "move_to", "no_arguments", "resize", "send_notification", "ship",
                                             "shout", "source_only", "take_ownership",
                                             "takes_everything", "with_context"}));
}

TEST_F(Registry, DescribesATask) {
  const bg::TaskInfo* info = bg::registry().find("shout");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->function, "testing_tasks::shout_message");
  EXPECT_EQ(info->signature,
            "void testing_tasks::shout_message(const std::string& text, testing_tasks::Level level)");
  ASSERT_EQ(info->params.size(), 2u);
  EXPECT_EQ(info->params[0].name, "text");
  EXPECT_EQ(info->params[0].type, "const std::string&");
  EXPECT_EQ(info->params[1].name, "level");
  EXPECT_EQ(info->params[1].type, "testing_tasks::Level");
  EXPECT_EQ(info->file, "tasks/test_tasks.hpp");
  EXPECT_EQ(info->line, 31u);
  EXPECT_TRUE(info->json_invocable);
  EXPECT_FALSE(info->takes_context);

  const bg::TaskInfo* context = bg::registry().find("with_context");
  ASSERT_NE(context, nullptr);
  EXPECT_TRUE(context->takes_context);
  ASSERT_EQ(context->params.size(), 1u);  // the Context is not a parameter callers give
  EXPECT_EQ(context->params[0].name, "tag");

  const bg::TaskInfo* hidden = bg::registry().find("source_only");
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hidden->file, "tasks/test_tasks.cpp");
}

TEST_F(Registry, FindReturnsNullForUnknownNames) {
  EXPECT_EQ(bg::registry().find("nope"), nullptr);
  EXPECT_EQ(bg::registry().find(""), nullptr);
  EXPECT_EQ(bg::registry().find("shout_message"), nullptr);  // the function's name is not the task's
}

TEST_F(Registry, MarksTasksJsonCannotCarry) {
  const bg::TaskInfo* info = bg::registry().find("take_ownership");
  ASSERT_NE(info, nullptr);
  EXPECT_FALSE(info->json_invocable);
  try {
    bg::registry().submit_json("take_ownership", json::array({1}));
    FAIL() << "must throw";
  } catch (const bg::DispatchError& e) {
    EXPECT_EQ(e.reason(), bg::DispatchReason::not_invocable);
  }
  EXPECT_EQ(life.stats().submitted, 0u);
}

TEST_F(Registry, SubmitsByPositionAndByName) {
  bg::TaskId a = bg::registry().submit_json("send_notification", json::array({"a@b.c", "positional"}));
  bg::TaskId b = bg::registry().submit_json("send_notification", json{{"message", "named"}, {"email", "d@e.f"}});
  EXPECT_LT(a, b);
  bg::registry().submit_json_text("shout", R"(["loud", "high"])");
  bg::registry().submit_json("no_arguments", json::array());
  bg::registry().submit_json("no_arguments", json::object());
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"notify a@b.c positional", "notify d@e.f named",
                                                        "shout loud 2", "nothing", "nothing"}));
}

TEST_F(Registry, ConvertsNestedTypes) {
  bg::registry().submit_json("takes_everything",
                             json::parse(R"([true, 255, 0.5, [1, 2, 3], null, {"a": "low", "b": "high"}])"));
  bg::registry().submit_json("takes_everything",
                             json::parse(R"({"flag": false, "small": 0, "ratio": 2, "numbers": [],
                                             "note": "hi", "levels": {}})"));
  EXPECT_EQ(journal().take(),
            (std::vector<std::string>{"everything 1 255 0.500000 [1,2,3,] <none> {a=0,b=2,}",
                                      "everything 0 0 2.000000 [] hi {}"}));
}

TEST_F(Registry, SubmitsToAGivenLifespan) {
  bg::Lifespan other{{.run_inline = true}};
  bg::registry().submit_json("count_to", json::array({1}), life);
  bg::registry().submit_json_text("count_to", "[2]", life);
  EXPECT_EQ(life.stats().completed, 2u);
  EXPECT_EQ(other.stats().submitted, 0u);
}

struct Refusal {
  const char* task;
  const char* arguments;
  bg::DispatchReason reason;
  const char* parameter;  ///< the parameter the error names ("" for none)
  const char* says;       ///< a piece of what()
};

class RegistryRefuses : public Registry, public ::testing::WithParamInterface<Refusal> {};

TEST_P(RegistryRefuses, NamesTheProblemAndRunsNothing) {
  const Refusal& r = GetParam();
  try {
    bg::registry().submit_json_text(r.task, r.arguments);
    FAIL() << "submitting " << r.task << " with " << r.arguments << " must throw";
  } catch (const bg::DispatchError& e) {
    EXPECT_EQ(e.reason(), r.reason) << e.what();
    EXPECT_EQ(e.task(), r.task);
    EXPECT_EQ(e.parameter(), r.parameter) << e.what();
    EXPECT_NE(std::string(e.what()).find(r.says), std::string::npos) << e.what();
  }
  EXPECT_EQ(life.stats().submitted, 0u);
  EXPECT_TRUE(journal().take().empty());
}

INSTANTIATE_TEST_SUITE_P(
    EveryReason, RegistryRefuses,
    ::testing::Values(
        Refusal{"no_such_task", "[]", bg::DispatchReason::unknown_task, "", "no task has this name"},
        Refusal{"count_to", "[1", bg::DispatchReason::malformed_json, "", "not valid JSON"},
        Refusal{"count_to", "\"5\"", bg::DispatchReason::wrong_shape, "", "array"},
        Refusal{"count_to", "[]", bg::DispatchReason::wrong_arity, "", "takes 1 argument, got 0"},
        Refusal{"count_to", "[1, 2]", bg::DispatchReason::wrong_arity, "", "got 2"},
        Refusal{"send_notification", R"({"email": "a"})", bg::DispatchReason::missing_argument, "message",
                "missing"},
        Refusal{"count_to", R"({"n": 1, "m": 2})", bg::DispatchReason::unknown_argument, "m", "no such parameter"},
        Refusal{"count_to", R"(["5"])", bg::DispatchReason::wrong_type, "n", "expected an integer, got a string"},
        Refusal{"count_to", "[1.5]", bg::DispatchReason::wrong_type, "n", "expected an integer"},
        Refusal{"count_to", "[4294967296]", bg::DispatchReason::out_of_range, "n", "out of range"},
        Refusal{"takes_everything", R"([true, 256, 0, [], null, {}])", bg::DispatchReason::out_of_range, "small",
                "256 is out of range [0, 255]"},
        Refusal{"takes_everything", R"([true, -1, 0, [], null, {}])", bg::DispatchReason::out_of_range, "small",
                "out of range"},
        Refusal{"takes_everything", R"([1, 0, 0, [], null, {}])", bg::DispatchReason::wrong_type, "flag",
                "expected true or false"},
        Refusal{"takes_everything", R"([true, 0, 0, [1, "x"], null, {}])", bg::DispatchReason::wrong_type,
                "numbers[1]", "expected an integer"},
        Refusal{"takes_everything", R"([true, 0, 0, [], 5, {}])", bg::DispatchReason::wrong_type, "note",
                "expected a string"},
        Refusal{"takes_everything", R"([true, 0, 0, [], null, {"a": "loud"}])",
                bg::DispatchReason::unknown_enumerator, "levels.a", "'loud' is not one of: low, normal, high"},
        Refusal{"shout", R"(["x", 2])", bg::DispatchReason::wrong_type, "level", "enumerator name"},
        // The last argument is wrong: the first must not have run either.
        Refusal{"send_notification", R"(["a@b.c", 7])", bg::DispatchReason::wrong_type, "message",
                "expected a string"}));

}  // namespace
