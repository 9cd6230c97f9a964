# Builds and runs the layouts consumer (SOURCE) in BINARY with ARGS, then
# checks the edit-compile loop as a developer lives it:
#   nothing changed             -> the build runs nothing at all
#   a source without tasks, or
#   a task's body, edited       -> bg-gen rescans that source alone (its
#                                  fragment is the only one rewritten),
#                                  nothing generated is rewritten or
#                                  recompiled, and the next build runs
#                                  nothing (Make too)
#   a task added to a header    -> it appears in the generated header
include(${CMAKE_CURRENT_LIST_DIR}/consumer_common.cmake)

function(build what)
  run("${what}" ${CMAKE_COMMAND} --build ${build} -j2)
  set(output "${output}" PARENT_SCOPE)
endfunction()

function(expect_nothing_ran what)
  build("the build after ${what}")
  if(output MATCHES "bg-gen|Building|Linking")
    message(FATAL_ERROR "the build after ${what} ran steps, where nothing had changed:\n${output}")
  endif()
endfunction()

set(generated ${build}/app/layouts_bg_tasks)
function(stamps out)
  file(GLOB_RECURSE object ${build}/CMakeFiles/layouts.dir/*bg_tasks.cpp.o)
  if(NOT object)
    message(FATAL_ERROR "no object for the generated source under ${build}/CMakeFiles/layouts.dir")
  endif()
  timestamps(list ${generated}/bg_tasks.hpp ${generated}/bg_tasks.cpp ${generated}/bg_tasks.json ${object})
  set(${out} "${list}" PARENT_SCOPE)
endfunction()

# The time each source of the executable was last scanned, as "file=time".
function(scans out)
  file(GLOB fragments ${generated}/fragments/*.bgf)
  set(list "")
  foreach(fragment IN LISTS fragments)
    get_filename_component(name ${fragment} NAME)
    string(REGEX REPLACE "\\.[0-9a-f]+\\.bgf$" "" name "${name}")
    file(TIMESTAMP ${fragment} t "%s")
    list(APPEND list "${name}=${t}")
  endforeach()
  set(${out} "${list}" PARENT_SCOPE)
endfunction()

run("configuring the consumer" ${CMAKE_COMMAND} -S ${src} -B ${build} ${ARGS})
build("building the consumer")
scans(scanned)
if(NOT scanned MATCHES "late.cpp=")
  message(FATAL_ERROR "late.cpp, added after bg_generate_tasks, was not read (scanned: ${scanned})")
endif()
run("running the consumer" ${build}/layouts)
message(STATUS "${output}")
expect_nothing_ran("a complete build")

stamps(before)
scans(scanned_before)
foreach(edit IN ITEMS helper main)
  # One-second timestamps: let a second pass so that a rewrite cannot hide.
  execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
  if(edit STREQUAL helper)
    file(APPEND ${src}/app/helper.cpp "int helper_value2() { return 2; }\n")
  else()
    file(READ ${src}/app/main.cpp text)
    string(REPLACE "total += order.id;" "total += order.id + 0;" text "${text}")
    file(WRITE ${src}/app/main.cpp "${text}")
  endif()
  build("editing ${edit}.cpp")
  scans(scanned_after)
  set(rescanned ${scanned_after})
  list(REMOVE_ITEM rescanned ${scanned_before})
  list(TRANSFORM rescanned REPLACE "=.*" "")
  if(NOT rescanned STREQUAL "${edit}.cpp")
    message(FATAL_ERROR "editing ${edit}.cpp rescanned '${rescanned}', expected only ${edit}.cpp\n"
                        "before: ${scanned_before}\nafter: ${scanned_after}")
  endif()
  set(scanned_before ${scanned_after})
  stamps(after)
  if(NOT before STREQUAL after)
    message(FATAL_ERROR "editing ${edit}.cpp rewrote generated files or recompiled the generated source "
                        "(timestamps ${before} -> ${after})")
  endif()
  expect_nothing_ran("editing ${edit}.cpp and rebuilding")
endforeach()
run("running the consumer after edits" ${build}/layouts)

execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(READ ${src}/app/app_tasks.hpp text)
string(REPLACE "}  // namespace app" "[[bg::task]] inline void added_later(int n) { (void)n; }\n\n}  // namespace app"
       text "${text}")
file(WRITE ${src}/app/app_tasks.hpp "${text}")
build("adding a task to a header")
file(READ ${generated}/bg_tasks.hpp header)
if(NOT header MATCHES "added_later_t")
  message(FATAL_ERROR "adding a task to app_tasks.hpp did not regenerate bg_tasks.hpp (the depfile is not used)")
endif()
expect_nothing_ran("adding a task")
message(STATUS "layouts: built, ran, and each edit rebuilt only what it changed")
