# Copies the consumer project to BINARY/src, configures it with ARGS, builds
# and runs it; then edits it the way a developer does and checks what the
# build regenerates:
#   a file without tasks, or a task's body  -> generated files untouched,
#                                              generated source not recompiled
#   a header that declares tasks            -> bg-gen reruns (found through
#                                              its depfile) and the new task
#                                              is in the generated header;
#                                              a coroutine task is listed as one
include(${CMAKE_CURRENT_LIST_DIR}/consumer_common.cmake)

run("configuring the consumer" ${CMAKE_COMMAND} -S ${src} -B ${build} ${ARGS})
run("building the consumer" ${CMAKE_COMMAND} --build ${build} -j2)
run("running the consumer" ${build}/consumer)
if(NOT EXISTS ${build}/consumer_durable)
  message(FATAL_ERROR "bgtasks::redis was not found by the consumer: consumer_durable was not built")
endif()
run("running the durable-task producer" ${build}/consumer_durable)
if(NOT output MATCHES "batched for queue reports\n")
  message(FATAL_ERROR "consumer_durable did not use the queue declared beside its task: ${output}")
endif()

set(generated ${build}/consumer_bg_tasks)
file(GLOB_RECURSE object ${build}/CMakeFiles/*bg_tasks.cpp.o)
if(NOT object OR NOT EXISTS ${generated}/bg_tasks.hpp)
  message(FATAL_ERROR "no generated files or object under ${build}")
endif()

function(stamps out)
  timestamps(list ${generated}/bg_tasks.hpp ${generated}/bg_tasks.cpp ${generated}/bg_tasks.json ${object})
  set(${out} "${list}" PARENT_SCOPE)
endfunction()

# Timestamps have one-second resolution here: let a second pass before each
# edit so that an unwanted rewrite cannot hide.
stamps(before)
foreach(edit IN ITEMS no_tasks body)
  execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
  if(edit STREQUAL no_tasks)
    file(APPEND ${src}/no_tasks.cpp "int consumer_helper2() { return 2; }\n")
  else()
    file(READ ${src}/jobs.cpp text)
    string(REPLACE "CONSUMER_GREETING \" \" + line" "CONSUMER_GREETING + std::string(\" \") + line" text "${text}")
    file(WRITE ${src}/jobs.cpp "${text}")
  endif()
  run("rebuilding after the ${edit} edit" ${CMAKE_COMMAND} --build ${build} -j2)
  stamps(after)
  if(NOT before STREQUAL after)
    message(FATAL_ERROR "editing ${edit} rewrote generated files or recompiled the generated source "
                        "(timestamps ${before} -> ${after})")
  endif()
endforeach()
run("running the consumer after edits" ${build}/consumer)

execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(READ ${src}/include/jobs.hpp text)
string(REPLACE "}  // namespace consumer"
       "[[bg::task]] inline void added_later(int n) { (void)n; }\n\n}  // namespace consumer" text "${text}")
file(WRITE ${src}/include/jobs.hpp "${text}")
run("rebuilding after adding a task to a header" ${CMAKE_COMMAND} --build ${build} -j2)
file(READ ${generated}/bg_tasks.hpp header)
if(NOT header MATCHES "added_later_t")
  message(FATAL_ERROR "adding a task to jobs.hpp did not regenerate bg_tasks.hpp (the depfile is not used)")
endif()
# The same for a coroutine task in the library that links bgtasks::asio.
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(READ ${src}/include/hooks.hpp text)
string(REPLACE "}  // namespace consumer"
       "[[bg::task, bg::concurrency(3)]] inline asio::awaitable<void> added_hook(int n) {\n  (void)n;\n  co_return;\n}\n\n}  // namespace consumer"
       text "${text}")
file(WRITE ${src}/include/hooks.hpp "${text}")
run("rebuilding after adding a coroutine task to a header" ${CMAKE_COMMAND} --build ${build} -j2)
file(READ ${build}/consumer_hooks_bg_tasks/hooks_tasks.json manifest)
string(JSON count LENGTH "${manifest}" tasks)
set(added_kind "")
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${manifest}" tasks ${i} name)
  if(name STREQUAL "added_hook")
    string(JSON added_kind GET "${manifest}" tasks ${i} kind)
    string(JSON added_limit ERROR_VARIABLE no_limit GET "${manifest}" tasks ${i} policy concurrency)
  endif()
endforeach()
if(NOT added_kind STREQUAL "coroutine")
  message(FATAL_ERROR "adding a coroutine task to hooks.hpp did not regenerate hooks_tasks.json with it as a "
                      "coroutine task (kind: '${added_kind}')")
endif()
if(NOT added_limit STREQUAL "3")
  message(FATAL_ERROR "the added task's [[bg::concurrency(3)]] is not in hooks_tasks.json (${no_limit})")
endif()
# Renaming a task's durable queue (bg::queue) in a header regenerates the
# entry point, the registry and the manifest.
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(READ ${src}/include/reports.hpp text)
string(REPLACE "bg::queue(\"reports\")" "bg::queue(\"reports_v2\")" text "${text}")
file(WRITE ${src}/include/reports.hpp "${text}")
run("rebuilding after renaming a queue" ${CMAKE_COMMAND} --build ${build} -j2)
run("running the durable-task producer after the rename" ${build}/consumer_durable)
if(NOT output MATCHES "batched for queue reports_v2\n")
  message(FATAL_ERROR "renaming the queue in reports.hpp did not reach the program: ${output}")
endif()
file(READ ${build}/consumer_durable_bg_tasks/durable_tasks.json manifest)
string(JSON queue GET "${manifest}" tasks 0 queue)
if(NOT queue STREQUAL "reports_v2")
  message(FATAL_ERROR "renaming the queue did not regenerate durable_tasks.json (queue: '${queue}')")
endif()
message(STATUS "consumer: built, ran, and rebuilt only what changed")
