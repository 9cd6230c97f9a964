// collect: one translation unit's AST → the model. The only code that reads
// Clang's AST.
#pragma once

#include <memory>
#include <string>

#include <clang/AST/ASTConsumer.h>

#include "model.hpp"

namespace clang {
class CompilerInstance;
}

namespace bg::gen {

/// An AST consumer that adds, at the end of the translation unit, every
/// [[bg::task]] it finds to `out`. `stub_header` is the path bg-gen mapped
/// over the generated header while parsing; it is never an input.
std::unique_ptr<clang::ASTConsumer> make_collector(clang::CompilerInstance& compiler, Model& out,
                                                   std::string stub_header);

}  // namespace bg::gen
