# A real error in the user's code: bg-gen must exit 1, print Clang's error
# with every one of its notes (here the two ambiguous candidates), and write
# nothing.
#   SOURCE, BG_GEN, WORK
file(REMOVE_RECURSE "${WORK}")
execute_process(COMMAND "${BG_GEN}" -o "${WORK}" "${SOURCE}" -- RESULT_VARIABLE rc ERROR_VARIABLE err)
string(REGEX MATCHALL "note: candidate function" notes "${err}")
list(LENGTH notes count)
if(NOT rc EQUAL 1 OR NOT err MATCHES "call to 'h' is ambiguous" OR NOT count EQUAL 2 OR EXISTS "${WORK}/bg_tasks.hpp")
  message(FATAL_ERROR "expected exit 1, the ambiguity error with both candidate notes, and no output; "
                      "got exit ${rc}, ${count} notes:\n${err}")
endif()
