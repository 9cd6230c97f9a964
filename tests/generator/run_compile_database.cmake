# bg-gen with -p: compile commands from a compile_commands.json (as CMake
# writes with CMAKE_EXPORT_COMPILE_COMMANDS) instead of flags after "--".
# The output must equal the golden expectations of the same case.
#   CASE, BG_GEN, WORK, INCLUDES as in run_golden.cmake
include(${CMAKE_CURRENT_LIST_DIR}/expect_golden.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/write_compile_database.cmake)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/out")
string(REPLACE "|" ";" include_flags "${INCLUDES}")
list(TRANSFORM include_flags PREPEND -I)
list(JOIN include_flags " " include_flags)
# A GCC-only flag too: bg-gen must drop it.
write_compile_database("${WORK}"
                       "-std=c++20 -I${CASE}/input -I${WORK}/out ${include_flags} -fconcepts-diagnostics-depth=2"
                       sources)
execute_process(COMMAND "${BG_GEN}" -p "${WORK}" -o "${WORK}/out" --root "${CASE}/input" ${sources}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bg-gen -p failed (${rc}):\n${err}")
endif()
expect_golden("${WORK}/out" "${CASE}" "-p")
