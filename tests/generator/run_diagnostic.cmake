# Golden test of bg-gen's diagnostics for one bad source:
#   SOURCE     tests/generator/diagnostics/<case>.cpp; <case>.expected beside it
#   BG_GEN, WORK, INCLUDES, UPDATE   as in run_golden.cmake
# bg-gen must exit 1, print exactly the expected diagnostics, and leave the
# output directory untouched.
get_filename_component(dir "${SOURCE}" DIRECTORY)
get_filename_component(name "${SOURCE}" NAME_WE)
string(REPLACE "|" ";" include_flags "${INCLUDES}")
list(TRANSFORM include_flags PREPEND -I)
# Asio as bgtasks::asio gives it to its users (and so to bg-gen).
set(flags -std=c++20 -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1 ${include_flags})

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(sentinel "// an earlier, good output: bg-gen must not touch it\n")
file(WRITE "${WORK}/bg_tasks.hpp" "${sentinel}")
file(TIMESTAMP "${WORK}/bg_tasks.hpp" before "%s")

# Run from the source's directory, with a relative path, so that the paths in
# the diagnostics are the same on every machine.
execute_process(COMMAND "${BG_GEN}" -o "${WORK}" ${name}.cpp -- ${flags}
                WORKING_DIRECTORY "${dir}" RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "${name}: bg-gen must exit 1, exited ${rc}\n${err}")
endif()
file(READ "${WORK}/bg_tasks.hpp" after_content)
file(TIMESTAMP "${WORK}/bg_tasks.hpp" after "%s")
file(GLOB outputs "${WORK}/*")
list(LENGTH outputs count)
if(NOT after_content STREQUAL sentinel OR NOT before STREQUAL after OR NOT count EQUAL 1)
  message(FATAL_ERROR "${name}: bg-gen touched the output directory despite errors")
endif()

if(UPDATE)
  file(WRITE "${dir}/${name}.expected" "${err}")
  message(STATUS "updated ${name}.expected")
  return()
endif()
file(READ "${dir}/${name}.expected" expected)
if(NOT err STREQUAL expected)
  message(FATAL_ERROR "${name}: diagnostics differ.\n--- expected\n${expected}--- got\n${err}"
                      "If the change is intended: cmake --build <build-dir> --target bg_update_golden")
endif()
