#include "database.hpp"

#include <llvm/Support/Path.h>

namespace bg::gen {

TargetDatabase::TargetDatabase(const clang::tooling::CompilationDatabase& inner, std::string object_dir)
    : inner_(inner), object_dir_(std::move(object_dir)) {}

std::vector<clang::tooling::CompileCommand> TargetDatabase::getCompileCommands(llvm::StringRef file) const {
  // A command of the file's own, not one Clang's interpolation guessed from
  // a similarly named file (it says how in Heuristic), which may belong to
  // another target.
  auto own = inner_.getCompileCommands(file);
  const bool guessed = !own.empty() && !own.front().Heuristic.empty();
  if ((!own.empty() && !guessed) || object_dir_.empty()) return own;
  for (const auto& command : inner_.getAllCompileCommands()) {
    // CMake before 3.20 and some versions after write no "output" field:
    // the object is then the argument of -o.
    llvm::SmallString<256> output(command.Output);
    for (size_t i = 0; output.empty() && i + 1 < command.CommandLine.size(); ++i)
      if (command.CommandLine[i] == "-o") output = command.CommandLine[i + 1];
    if (output.empty()) continue;
    if (!llvm::sys::path::is_absolute(output)) {
      llvm::SmallString<256> absolute(command.Directory);
      llvm::sys::path::append(absolute, output);
      output = absolute;
    }
    llvm::sys::path::remove_dots(output, /*remove_dot_dot=*/true);
    if (!llvm::StringRef(output).startswith(object_dir_ + "/")) continue;
    // The same flags for this file: the input and the output are swapped.
    clang::tooling::CompileCommand borrowed = command;
    borrowed.Filename = file.str();
    borrowed.Output.clear();
    std::vector<std::string> line;
    for (size_t i = 0; i < command.CommandLine.size(); ++i) {
      const auto& arg = command.CommandLine[i];
      if (arg == "-o" && i + 1 < command.CommandLine.size()) {
        ++i;
        continue;
      }
      if (arg == command.Filename) {
        line.push_back(file.str());
        continue;
      }
      line.push_back(arg);
    }
    borrowed.CommandLine = std::move(line);
    borrowed.Heuristic = "flags of " + command.Filename + ", a source of the same target";
    return {borrowed};
  }
  return own;
}

}  // namespace bg::gen
