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

/// The annotation recorded for a policy attribute beside it
/// ([[bg::retry(5)]], [[bg::timeout("30s")]], [[bg::concurrency(2)]]):
///   "bg-gen:policy:NAME"              no parentheses
///   "bg-gen:policy:NAME(ARGUMENTS)"   with the arguments' source text
inline constexpr std::string_view kPolicyAnnotation = "bg-gen:policy:";

/// The policy attributes bg-gen reads, without the bg:: prefix.
inline constexpr std::string_view kPolicyNames[] = {"retry", "timeout", "concurrency", "queue"};

/// Links the attributes' registration into the binary. Call once, before
/// any parse; calling it more than once does nothing.
void register_task_attribute();

}  // namespace bg::gen
