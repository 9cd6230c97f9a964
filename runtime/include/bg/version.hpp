// bgtasks version. Generated code checks BG_RUNTIME_REVISION with #error so
// that files produced by one bg-gen are never compiled against a runtime whose
// submission entry points they do not match.
#pragma once

#define BG_VERSION_MAJOR 0
#define BG_VERSION_MINOR 1
#define BG_VERSION_PATCH 0
#define BG_VERSION_STRING "0.1.0"

// Bumped whenever the contract between generated code and the runtime changes
// (detail::TaskName, detail::submit_to_current, Registry layout).
// 2: registry tables registered per library; defaulted and value-checked arguments.
// 3: TaskInfo::policy, ErasedTask::make_copyable, delayed submission.
#define BG_RUNTIME_REVISION 4
