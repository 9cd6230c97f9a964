# bg-gen --fragments: a fragment written by another bg-gen binary is stale.
# A fix in how bg-gen reads sources must reach every target on the next
# build, not only the sources edited since.
#   CASE, BG_GEN, WORK, INCLUDES as in run_golden.cmake
include(${CMAKE_CURRENT_LIST_DIR}/write_compile_database.cmake)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/out" "${WORK}/bin")
# A copy of bg-gen that the test may change (appending bytes to an ELF file
# leaves it runnable and changes its size).
file(COPY "${BG_GEN}" DESTINATION "${WORK}/bin")
get_filename_component(name "${BG_GEN}" NAME)
set(gen "${WORK}/bin/${name}")

string(REPLACE "|" ";" include_flags "${INCLUDES}")
list(TRANSFORM include_flags PREPEND -I)
list(JOIN include_flags " " include_flags)
write_compile_database("${WORK}" "-std=c++20 -I${CASE}/input ${include_flags}" sources)
list(LENGTH sources source_count)

function(run_step label expected_scans)
  execute_process(COMMAND "${gen}" --fragments=${WORK}/fragments --stamp=${WORK}/stamp -p "${WORK}"
                          -o "${WORK}/out" --root "${CASE}/input" -v ${sources}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${label}: bg-gen failed (${rc}):\n${out}${err}")
  endif()
  string(REGEX MATCHALL "scanned   [^\n]*" scans "${out}")
  list(LENGTH scans count)
  if(NOT count EQUAL expected_scans)
    message(FATAL_ERROR "${label}: expected ${expected_scans} sources scanned, got ${count}:\n${out}")
  endif()
endfunction()

run_step("first run" ${source_count})
run_step("second run, nothing changed" 0)
file(APPEND "${gen}" "another build of bg-gen")
run_step("after bg-gen changed" ${source_count})
