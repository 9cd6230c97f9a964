# The build's path through bg-gen: one --scan per source, then --merge, must
# give the same bytes as one run over all sources (the golden outputs), with
# a stale generated header in the output directory; and a target whose
# sources declare no task gets a warning naming it.
#   CASE, BG_GEN, WORK, INCLUDES as for run_golden.cmake; EMPTY_CASE a case without tasks
include(${CMAKE_CURRENT_LIST_DIR}/expect_golden.cmake)
file(GLOB sources LIST_DIRECTORIES false "${CASE}/input/*.cpp")
list(SORT sources)
string(REPLACE "|" ";" include_flags "${INCLUDES}")
list(TRANSFORM include_flags PREPEND -I)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/out")
file(WRITE "${WORK}/out/bg_tasks.hpp" "#error \"a stale generated header was parsed\"\n")

set(fragments "")
foreach(source IN LISTS sources)
  get_filename_component(name "${source}" NAME)
  set(fragment "${WORK}/fragments/${name}.bgf")
  execute_process(COMMAND "${BG_GEN}" "--scan=${fragment}" -o "${WORK}/out" "${source}" --
                          -std=c++20 -I${CASE}/input ${include_flags}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${fragment}" OR NOT EXISTS "${fragment}.d")
    message(FATAL_ERROR "bg-gen --scan failed (${rc}) on ${source}:\n${err}")
  endif()
  file(READ "${fragment}.d" depfile)
  if(NOT depfile MATCHES "${name}")
    message(FATAL_ERROR "the depfile of ${name} does not list the source itself:\n${depfile}")
  endif()
  list(APPEND fragments "${fragment}")
endforeach()
execute_process(COMMAND "${BG_GEN}" --merge -o "${WORK}/out" --root "${CASE}/input" --target=shop
                        "--stamp=${WORK}/out/bg_tasks.stamp" ${fragments}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK}/out/bg_tasks.stamp" OR err MATCHES "warning")
  message(FATAL_ERROR "bg-gen --merge failed (${rc}) or warned:\n${err}")
endif()
expect_golden("${WORK}/out" "${CASE}" "--scan and --merge")

# No task anywhere: a warning that names the target, and still outputs.
file(GLOB empty_sources "${EMPTY_CASE}/input/*.cpp")
execute_process(COMMAND "${BG_GEN}" "--scan=${WORK}/empty.bgf" -o "${WORK}/empty" ${empty_sources} -- -std=c++20
                RESULT_VARIABLE rc ERROR_VARIABLE err)
execute_process(COMMAND "${BG_GEN}" --merge -o "${WORK}/empty" --target=plain_app "${WORK}/empty.bgf"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "warning: no source of 'plain_app' declares a \\[\\[bg::task\\]\\]"
   OR NOT EXISTS "${WORK}/empty/bg_tasks.hpp")
  message(FATAL_ERROR "merging fragments without tasks: expected exit 0, outputs and a warning; got ${rc}:\n${err}")
endif()

# A damaged fragment is an error that names it, and touches nothing.
file(WRITE "${WORK}/broken.bgf" "not json")
execute_process(COMMAND "${BG_GEN}" --merge -o "${WORK}/broken" "${WORK}/broken.bgf" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "broken.bgf' is not a bg-gen fragment" OR EXISTS "${WORK}/broken")
  message(FATAL_ERROR "a damaged fragment: expected exit 2 and its name; got ${rc}:\n${err}")
endif()
