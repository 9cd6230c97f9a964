// collect: one translation unit's AST → the model. The only code that reads
// Clang's AST.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <clang/AST/ASTConsumer.h>

#include "model.hpp"

namespace clang {
class CompilerInstance;
class SourceManager;
}

namespace bg::gen {

/// An AST consumer that adds, at the end of the translation unit, every
/// [[bg::task]] it finds to `out`. `stubs` are the paths bg-gen mapped over
/// generated headers while parsing; they are never inputs.
std::unique_ptr<clang::ASTConsumer> make_collector(clang::CompilerInstance& compiler, Model& out,
                                                   const std::vector<std::string>& stubs);

/// Adds every real file the source manager read (absolute, not a stub) to
/// `out.inputs`: the translation unit's dependencies.
void record_inputs(const clang::SourceManager& sources, const std::vector<std::string>& stubs, Model& out);

}  // namespace bg::gen
