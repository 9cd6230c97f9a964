# Golden test of bg-gen's outputs for one case:
#   CASE       tests/generator/golden/<case>: input/ (sources) and expected/
#   BG_GEN     the bg-gen executable
#   WORK       a scratch directory
#   INCLUDES   |-separated include directories (bgtasks' public headers)
#   UPDATE     ON to rewrite expected/ instead of comparing
# Runs bg-gen twice: into an empty directory (the generated header that
# main.cpp includes does not exist yet) and into one holding a stale header
# that would fail to compile; both runs must give identical bytes, and equal
# to expected/. GCC-only flags are passed to prove they are tolerated, and
# Asio's coroutine switches as bgtasks::asio passes them.
file(GLOB sources LIST_DIRECTORIES false "${CASE}/input/*.cpp")
list(SORT sources)
set(flags -std=c++20 -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 -I${CASE}/input -Werror -fconcepts-diagnostics-depth=3 -fno-fat-lto-objects
          -Wno-maybe-uninitialized -fanalyzer -mno-direct-extern-access)
string(REPLACE "|" ";" include_flags "${INCLUDES}")
list(TRANSFORM include_flags PREPEND -I)
list(APPEND flags ${include_flags})

file(REMOVE_RECURSE "${WORK}")
set(first "${WORK}/first")
set(second "${WORK}/second")
file(MAKE_DIRECTORY "${first}" "${second}")
file(WRITE "${second}/bg_tasks.hpp" "#error \"a stale generated header was parsed\"\nnamespace tasks { int stale = ; }\n")

foreach(out IN ITEMS "${first}" "${second}")
  execute_process(COMMAND "${BG_GEN}" -j 2 -o "${out}" --root "${CASE}/input" ${sources} -- -I${out} ${flags}
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out_text)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bg-gen failed (${rc}) on ${CASE}:\n${err}")
  endif()
endforeach()

set(failed "")
foreach(name IN ITEMS bg_tasks.hpp bg_tasks.cpp bg_tasks.json)
  file(READ "${first}/${name}" a)
  file(READ "${second}/${name}" b)
  if(NOT a STREQUAL b)
    message(SEND_ERROR "${name}: two runs gave different bytes (not deterministic, or the stale header leaked in)")
  endif()
  if(a STREQUAL "")
    message(SEND_ERROR "${name} is empty")
  endif()
  if(UPDATE)
    file(WRITE "${CASE}/expected/${name}" "${a}")
    continue()
  endif()
  if(NOT EXISTS "${CASE}/expected/${name}")
    list(APPEND failed ${name})
    continue()
  endif()
  file(READ "${CASE}/expected/${name}" expected)
  if(NOT a STREQUAL expected)
    list(APPEND failed ${name})
    execute_process(COMMAND diff -u "${CASE}/expected/${name}" "${first}/${name}" OUTPUT_VARIABLE diff)
    message("${diff}")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "generated ${failed} differ from ${CASE}/expected. If the change is intended, "
                      "regenerate the expectations with:\n  cmake --build <build-dir> --target bg_update_golden")
endif()
if(UPDATE)
  message(STATUS "updated ${CASE}/expected")
endif()
