#include "prescan.hpp"

#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>
#include <clang/Tooling/DependencyScanning/DependencyScanningService.h>
#include <clang/Tooling/DependencyScanning/DependencyScanningTool.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/VirtualFileSystem.h>

namespace bg::gen {
namespace {

namespace deps = clang::tooling::dependencies;

}  // namespace

std::vector<std::string> dependency_files(const std::string& rule) {
  std::vector<std::string> files;
  std::string current;
  bool seen_colon = false;
  auto flush = [&] {
    if (!current.empty() && seen_colon) files.push_back(current);
    current.clear();
  };
  for (size_t i = 0; i < rule.size(); ++i) {
    char c = rule[i];
    if (c == '\\' && i + 1 < rule.size()) {
      char next = rule[i + 1];
      if (next == '\n') {
        ++i;
        flush();
        continue;
      }
      if (next == ' ' || next == '#' || next == '\\') {
        current += next;
        ++i;
        continue;
      }
    }
    if (!seen_colon && c == ':' && (i + 1 == rule.size() || rule[i + 1] == ' ' || rule[i + 1] == '\n')) {
      seen_colon = true;
      current.clear();
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t') {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return files;
}


struct PrescanCache::Impl {
  deps::DependencyScanningService service{deps::ScanningMode::DependencyDirectivesScan,
                                          deps::ScanningOutputFormat::Make};
};

PrescanCache::PrescanCache() : impl_(std::make_unique<Impl>()) {}
PrescanCache::~PrescanCache() = default;

bool has_bg_attribute(const std::string& text) {
  if (text.find("bg") == std::string::npos) return false;  // most files: no lexing at all
  clang::LangOptions lang;
  lang.CPlusPlus = lang.CPlusPlus11 = lang.CPlusPlus14 = lang.CPlusPlus17 = lang.CPlusPlus20 = true;
  lang.LineComment = true;
  clang::Lexer lexer(clang::SourceLocation(), lang, text.data(), text.data(), text.data() + text.size());
  clang::Token token;
  clang::tok::TokenKind previous = clang::tok::unknown;
  bool previous_is_bg = false;
  bool previous_is_using = false;
  bool in_attribute = false;
  while (!lexer.LexFromRawLexer(token)) {
    const auto kind = token.getKind();
    if (kind == clang::tok::l_square && previous == clang::tok::l_square) in_attribute = true;
    if (kind == clang::tok::r_square && previous == clang::tok::r_square) in_attribute = false;
    const bool identifier = kind == clang::tok::raw_identifier;
    const bool is_bg = identifier && token.getRawIdentifier() == "bg";
    if (in_attribute && ((kind == clang::tok::coloncolon && previous_is_bg) || (is_bg && previous_is_using)))
      return true;
    previous = kind;
    previous_is_bg = is_bg;
    previous_is_using = identifier && token.getRawIdentifier() == "using";
  }
  return false;
}

PrescanResult prescan(PrescanCache& cache, const std::vector<std::string>& command, const std::string& directory,
                      const std::vector<std::string>& stubs) {
  PrescanResult result;
  auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::createPhysicalFileSystem());
  auto memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  for (const auto& stub : stubs)
    memory->addFile(stub, 0, llvm::MemoryBuffer::getMemBufferCopy("#pragma once\n", stub));
  overlay->pushOverlay(memory);

  deps::DependencyScanningTool tool(cache.impl().service, overlay);
  auto rule = tool.getDependencyFile(command, directory);
  if (!rule) {
    llvm::consumeError(rule.takeError());
    result.failed = true;
    return result;
  }
  result.may_declare_tasks = false;
  for (auto& file : dependency_files(*rule)) {
    llvm::SmallString<256> path(file);
    if (!llvm::sys::path::is_absolute(path)) {
      path = directory;
      llvm::sys::path::append(path, file);
    }
    llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
    if (std::find(stubs.begin(), stubs.end(), path.str()) != stubs.end()) continue;
    auto buffer = overlay->getBufferForFile(path);
    if (!buffer) continue;
    if (!result.may_declare_tasks && has_bg_attribute((*buffer)->getBuffer().str())) result.may_declare_tasks = true;
    result.files.push_back(std::string(path.str()));
  }
  return result;
}

}  // namespace bg::gen
