// Teaches Clang the [[bg::task]] attribute so that it survives into the AST.
//
// Clang drops attributes it does not know before Sema sees the declaration.
// Registering a ParsedAttrInfo for the spelling makes Clang hand the attribute
// to us; we record it as an AnnotateAttr with a private marker, which the
// collector then finds on any declaration.
#pragma once

#include <string_view>

namespace bg::gen {

/// The annotation recorded for [[bg::task]] and [[bg::task("name")]]:
///   "bg-gen:task"            no argument
///   "bg-gen:task=NAME"       one string literal argument
///   "bg-gen:task!ARGUMENTS"  anything else, with the arguments' source text
inline constexpr std::string_view kTaskAnnotation = "bg-gen:task";

/// Links the attribute's registration into the binary. Call once, before
/// any parse; calling it more than once does nothing.
void register_task_attribute();

}  // namespace bg::gen
