// The bgtasks runtime: include this one header for the whole public API.
#pragma once

#include <bg/background_tasks.hpp>
#include <bg/bound_task.hpp>
#include <bg/config.hpp>
#include <bg/context.hpp>
#include <bg/errors.hpp>
#include <bg/lifespan.hpp>
#include <bg/metrics.hpp>
#include <bg/policy.hpp>
#include <bg/report.hpp>
#include <bg/task_name.hpp>
#include <bg/version.hpp>
