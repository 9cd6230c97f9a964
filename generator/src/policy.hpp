// Reads the policy attributes of a task (bg::retry, bg::timeout,
// bg::concurrency) into a Policy, and says what is wrong with one that
// cannot be read. Shared by the checks (which report the problems) and the
// emitter (which writes the policy into the registry), so the two never
// disagree on what an attribute means.
#pragma once

#include <string>
#include <vector>

#include "diagnostic.hpp"
#include "model.hpp"

namespace bg::gen {

/// The task's policy. Each problem goes to `problems` (when given) as a
/// diagnostic at the attribute, with the fix; the attribute is then ignored.
Policy read_policy(const Task& task, std::vector<Diagnostic>* problems = nullptr);

/// A duration as the attributes write it: a whole number and a unit, "250ms",
/// "30s", "5min", "2h". Milliseconds, or -1 when the text is not one.
long long parse_duration_ms(const std::string& text);

/// How the policy reads in the generated header's comments and the
/// manifest: "retry(5, backoff 1s..1min), timeout 30s, concurrency 2";
/// empty for a task without one.
std::string describe_policy(const Policy& policy);

}  // namespace bg::gen
