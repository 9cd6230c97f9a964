// The compile commands bg-gen uses: exactly the compiler's, from CMake's
// compile_commands.json (or flags after `--`), with one fallback for sources
// the database does not list itself.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <clang/Tooling/CompilationDatabase.h>

namespace bg::gen {

/// Wraps a database. A source with no command of its own (in a unity build
/// only the unity sources are compiled) borrows the command of a source whose
/// object goes to `object_dir` (the target's CMakeFiles/<target>.dir), so it
/// gets the flags of its own target and not a guess.
class TargetDatabase final : public clang::tooling::CompilationDatabase {
 public:
  TargetDatabase(const clang::tooling::CompilationDatabase& inner, std::string object_dir);

  std::vector<clang::tooling::CompileCommand> getCompileCommands(llvm::StringRef file) const override;
  std::vector<std::string> getAllFiles() const override { return inner_.getAllFiles(); }
  std::vector<clang::tooling::CompileCommand> getAllCompileCommands() const override {
    return inner_.getAllCompileCommands();
  }

 private:
  const clang::tooling::CompilationDatabase& inner_;
  std::string object_dir_;
};

}  // namespace bg::gen
