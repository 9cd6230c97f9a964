// emit() from a hand-built model: the templates see only the model, so their
// output can be checked without Clang.
#include <gtest/gtest.h>

#include "src/emit.hpp"

namespace bg::gen {
namespace {

Model one_task_model() {
  Task task;
  task.usr = "c:@N@app@F@send#";
  task.name = "send";
  task.function = "app::send";
  task.short_name = "send";
  task.namespaces = {{"app", false}};
  task.return_type = "void";
  task.pos = {"/project/src/send.cpp", 12, 19};
  task.attribute_pos = {"/project/src/send.cpp", 12, 3};
  Param p;
  p.name = "to";
  p.declared_type = "const std::string &";
  p.declared_pattern = "const std::string &@";
  p.stored_type = "std::string";
  p.passing = Passing::const_lvalue;
  p.json.kind = JsonShape::Kind::string;
  task.params.push_back(p);
  task.includes = {"<string>"};
  Model model;
  model.tasks.push_back(task);
  model.inputs = {"/project/src/send.cpp", "/project/out/bg_tasks.hpp"};
  return model;
}

EmitOptions options() { return {.namespace_name = "jobs", .root = "/project", .output_dir = "/project/out"}; }

TEST(Emit, HeaderDeclaresSourceOnlyTasksAndTheEntryPoint) {
  auto files = emit(one_task_model(), options());
  const std::string& header = files.at("bg_tasks.hpp");
  EXPECT_NE(header.find("DO NOT EDIT"), std::string::npos);
  EXPECT_NE(header.find("#include <string>\n"), std::string::npos);
  EXPECT_NE(header.find("namespace app {\nvoid send(const std::string &to);\n}  // namespace app"),
            std::string::npos)
      << header;
  EXPECT_NE(header.find("namespace jobs {"), std::string::npos);
  EXPECT_NE(header.find("inline constexpr send_t send{};"), std::string::npos);
  EXPECT_NE(header.find("\"jobs::send: argument 1 'to' must convert to std::string without narrowing"),
            std::string::npos);
  EXPECT_EQ(header.find("\n\n\n"), std::string::npos) << "runs of blank lines";
}

TEST(Emit, SourceHoldsTheRegistryWithRelativePaths) {
  auto files = emit(one_task_model(), options());
  const std::string& source = files.at("bg_tasks.cpp");
  EXPECT_NE(source.find(".file = \"src/send.cpp\""), std::string::npos) << source;
  EXPECT_NE(source.find("constexpr bool send_json_invocable = true;"), std::string::npos) << source;
  EXPECT_NE(source.find(".json_invocable = send_json_invocable,"), std::string::npos);
  EXPECT_NE(source.find("static_cast<void (*)(const std::string &)>(&::app::send)"), std::string::npos);
}

TEST(Emit, ManifestAndDepfile) {
  auto files = emit(one_task_model(), options());
  EXPECT_NE(files.at("bg_tasks.json").find("\"entry_point\": \"jobs::send\""), std::string::npos);
  const std::string& depfile = files.at("bg_tasks.d");
  EXPECT_EQ(depfile.rfind("/project/out/bg_tasks.hpp:", 0), 0u) << depfile;
  EXPECT_NE(depfile.find("/project/src/send.cpp"), std::string::npos);
  EXPECT_EQ(depfile.find("/project/out/bg_tasks.hpp \\"), std::string::npos) << "lists its own output";
}

TEST(Emit, IsDeterministic) {
  EXPECT_EQ(emit(one_task_model(), options()), emit(one_task_model(), options()));
}

TEST(Emit, TypesJsonCannotCarryMakeTheTaskNotInvocable) {
  Model model = one_task_model();
  model.tasks[0].params[0].json.kind = JsonShape::Kind::unsupported;
  auto files = emit(model, options());
  EXPECT_NE(files.at("bg_tasks.cpp").find(".invoke = nullptr"), std::string::npos);
  EXPECT_EQ(files.at("bg_tasks.cpp").find("send_invoke("), std::string::npos);
}


TEST(Emit, DeclaratorsPutTheNameWhereCppWantsIt) {
  EXPECT_EQ(declare("void (*@)(int)", "handler"), "void (*handler)(int)");
  EXPECT_EQ(declare("void (*@)(int)", ""), "void (*)(int)");
  EXPECT_EQ(declare("int (&@)[3]", "xs"), "int (&xs)[3]");
  EXPECT_EQ(declare("const std::string &@", "to"), "const std::string &to");
  EXPECT_EQ(declare("int", "n"), "int n") << "a model without a pattern still reads";
}

TEST(Emit, DefaultArgumentsGiveShorterCallsAndOptionalFields) {
  Model model = one_task_model();
  Param retries;
  retries.name = "retries";
  retries.declared_type = retries.stored_type = "int";
  retries.declared_pattern = "int @";
  retries.default_text = "kRetries + 1";
  retries.json.kind = JsonShape::Kind::integer;
  model.tasks[0].params.push_back(retries);
  model.tasks[0].declared_in_header = true;
  auto files = emit(model, options());
  const std::string& header = files.at("bg_tasks.hpp");
  const std::string& source = files.at("bg_tasks.cpp");
  EXPECT_NE(header.find("if constexpr (sizeof...(A) < 1 || sizeof...(A) > 2)"), std::string::npos) << header;
  EXPECT_NE(header.find("takes 1 to 2 arguments (std::string to, int retries = kRetries + 1)"), std::string::npos);
  EXPECT_NE(header.find("bg::Defaulted<int, keyword_messages::field_retries> retries = {};  // default: kRetries + 1"), std::string::npos);
  EXPECT_NE(header.find("static bg::detail::ErasedTask make(const std::string &to_);"), std::string::npos);
  // The default is evaluated in the function's namespace, as a direct call would.
  EXPECT_NE(source.find("namespace app {\nstatic int bg_default_4send_retries() { return kRetries + 1; }"),
            std::string::npos)
      << source;
  EXPECT_NE(source.find("return make(std::move(to_), ::app::bg_default_4send_retries());"), std::string::npos);
  EXPECT_NE(source.find("std::move(a.retries).take_or(&::app::bg_default_4send_retries)"), std::string::npos);
  EXPECT_NE(source.find("bg_arguments.has(1) ? bg_arguments.take<int>(1) : ::app::bg_default_4send_retries()"),
            std::string::npos);
  EXPECT_NE(source.find(".required_params = 1,"), std::string::npos);
  EXPECT_NE(files.at("bg_tasks.json").find("\"default\": \"kRetries + 1\""), std::string::npos);
}

TEST(Emit, BasenameAndExportMacroNameTheFiles) {
  EmitOptions o = options();
  o.basename = "mail_tasks";
  o.export_macro = "MAIL_EXPORT";
  o.export_header = "\"mail_export.h\"";
  auto files = emit(one_task_model(), o);
  ASSERT_TRUE(files.count("mail_tasks.hpp") && files.count("mail_tasks.cpp") && files.count("mail_tasks.json"));
  const std::string& header = files.at("mail_tasks.hpp");
  EXPECT_NE(header.find("#include \"mail_export.h\""), std::string::npos) << header;
  EXPECT_NE(header.find("MAIL_EXPORT static bg::detail::ErasedTask make("), std::string::npos);
  EXPECT_NE(files.at("mail_tasks.cpp").find("#include \"mail_tasks.hpp\""), std::string::npos);
}

TEST(Emit, CustomTypesAreInvocableWhenTheirFromJsonCompiles) {
  Model model = one_task_model();
  model.tasks[0].params[0].json.kind = JsonShape::Kind::custom;
  model.tasks[0].params[0].stored_type = "app::Order";
  auto files = emit(model, options());
  EXPECT_NE(files.at("bg_tasks.cpp").find("constexpr bool send_json_invocable = bg::detail::json_decodable_v<app::Order>;"),
            std::string::npos)
      << files.at("bg_tasks.cpp");
  EXPECT_NE(files.at("bg_tasks.json").find("\"json_invocable\": \"if from_json\""), std::string::npos);
}

}  // namespace
}  // namespace bg::gen
