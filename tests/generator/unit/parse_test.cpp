// The parts of parse and output that need no source tree: compile-command
// clean-up, the builtin headers, and writing only what changed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "src/output.hpp"
#include "src/parse.hpp"
#include "src/prescan.hpp"

namespace bg::gen {
namespace {

TEST(AdjustCommand, DropsFlagsClangDoesNotKnowAndKeepsTheRest) {
  std::vector<std::string> command = {"/usr/bin/g++", "-DX=1", "-fconcepts-diagnostics-depth=3", "-Iinc",
                                      "-fanalyzer", "-O2", "-w", "-c", "a.cpp"};
  auto out = adjust_command(command, "/res", {"/out/bg_tasks.hpp"});
  auto has = [&](const std::string& arg) { return std::find(out.begin(), out.end(), arg) != out.end(); };
  EXPECT_TRUE(has("-DX=1"));
  EXPECT_TRUE(has("-Iinc"));
  EXPECT_TRUE(has("-O2"));
  EXPECT_TRUE(has("a.cpp"));
  EXPECT_FALSE(has("-fconcepts-diagnostics-depth=3"));
  EXPECT_FALSE(has("-fanalyzer"));
  EXPECT_FALSE(has("-w")) << "-w would hide unknown bg:: attributes";
  EXPECT_TRUE(has("-resource-dir=/res"));
  EXPECT_TRUE(has("-std=c++20"));
  EXPECT_TRUE(has("-DBG_GEN=1"));
  EXPECT_TRUE(has("-idirafter/out")) << "the stand-in header must be found";
}

TEST(AdjustCommand, KeepsTheUsersStandardAndResourceDir) {
  auto out = adjust_command({"clang++", "-std=gnu++20", "-resource-dir=/mine", "a.cpp"}, "/res", {});
  EXPECT_EQ(std::count(out.begin(), out.end(), "-std=c++20"), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), "-std=gnu++20"), 1) << "gnu++ keeps __linux__-style macros";
  EXPECT_EQ(std::count(out.begin(), out.end(), "-resource-dir=/res"), 0);
}

TEST(AdjustCommand, AddsFlagsBeforeADoubleDash) {
  // Interpolated commands end with "-- file": after it, everything is an input.
  auto out = adjust_command({"g++", "-O2", "--", "a.cpp"}, "/res", {});
  auto dashes = std::find(out.begin(), out.end(), "--");
  ASSERT_NE(dashes, out.end());
  EXPECT_EQ(std::vector<std::string>(dashes, out.end()), (std::vector<std::string>{"--", "a.cpp"}));
  EXPECT_NE(std::find(out.begin(), dashes, "-DBG_GEN=1"), dashes);
}

TEST(AdjustCommand, ReadsAPrecompiledHeadersTextNotThePch) {
  // CMake's flags for a Clang PCH; the .pch may not exist yet when bg-gen runs.
  auto out = adjust_command({"clang++", "-Xclang", "-include-pch", "-Xclang", "/b/cmake_pch.hxx.pch", "-Xclang",
                             "-include", "-Xclang", "/b/cmake_pch.hxx", "-include-pch", "/b/other.pch", "a.cpp"},
                            "/res", {});
  EXPECT_EQ(std::count(out.begin(), out.end(), "-include-pch"), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), "/b/cmake_pch.hxx.pch"), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), "/b/other.pch"), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), "/b/cmake_pch.hxx"), 1) << "the header's text is still read";
}

TEST(AdjustCommand, SpellsNewerStandardsAsClang16Does) {
  for (auto [given, expected] : {std::pair{"-std=c++23", "-std=c++2b"}, std::pair{"-std=gnu++23", "-std=gnu++2b"},
                                 std::pair{"-std=c++26", "-std=c++2b"}, std::pair{"-std=c++17", "-std=c++17"}}) {
    auto out = adjust_command({"g++", given, "a.cpp"}, "/res", {});
    EXPECT_EQ(std::count(out.begin(), out.end(), std::string(expected)), 1) << given;
    if (std::string(given) != expected) {
      EXPECT_EQ(std::count(out.begin(), out.end(), std::string(given)), 0) << given;
    }
  }
}

TEST(Prescan, FindsBgAttributesAndNothingElse) {
  EXPECT_TRUE(has_bg_attribute("[[bg::task]] void f();"));
  EXPECT_TRUE(has_bg_attribute("[[ nodiscard, bg :: task(\"x\") ]] int f();"));
  EXPECT_TRUE(has_bg_attribute("[[using bg: task]] void f();"));
  EXPECT_TRUE(has_bg_attribute("[[bg::tsak]] void f();")) << "unknown bg:: attributes are reported too";
  EXPECT_TRUE(has_bg_attribute("#define TASK [[bg::task]]\n")) << "a macro defined here may be used elsewhere";
  EXPECT_FALSE(has_bg_attribute("bg::Lifespan life; bg::registry();")) << "bg:: outside an attribute";
  EXPECT_FALSE(has_bg_attribute("// [[bg::task]] in a comment\n/* [[bg::task]] */ void f();"));
  EXPECT_FALSE(has_bg_attribute("const char* s = \"[[bg::task]]\";"));
  EXPECT_FALSE(has_bg_attribute("#pragma GCC diagnostic ignored_attributes \"bg::task\"\n"));
  EXPECT_FALSE(has_bg_attribute("[[nodiscard]] int f(); int x = bg::value;"));
}

TEST(ResourceDir, IsFoundNextToTheClangLibraries) {
  std::string dir = find_resource_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir) / "include" / "stddef.h")) << dir;
}

TEST(WriteChanged, LeavesUnchangedFilesAlone) {
  auto dir = std::filesystem::temp_directory_path() / ("bg_gen_write_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto first = write_changed(dir.string(), {{"a.txt", "one"}, {"b.txt", "two"}});
  EXPECT_TRUE(first.at("a.txt"));
  auto stamp = std::filesystem::last_write_time(dir / "a.txt");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto second = write_changed(dir.string(), {{"a.txt", "one"}, {"b.txt", "changed"}});
  EXPECT_FALSE(second.at("a.txt"));
  EXPECT_TRUE(second.at("b.txt"));
  EXPECT_EQ(std::filesystem::last_write_time(dir / "a.txt"), stamp);
  std::ifstream in(dir / "b.txt");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "changed");
  EXPECT_FALSE(std::filesystem::exists(dir / "b.txt.tmp"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bg::gen
