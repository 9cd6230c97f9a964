# A real error in the user's code: bg-gen must exit 1, print Clang's error
# with every one of its notes (here the two ambiguous candidates), and write
# nothing.
#   SOURCE, BG_GEN, WORK
file(REMOVE_RECURSE "${WORK}")
execute_process(COMMAND "${BG_GEN}" -o "${WORK}" "${SOURCE}" -- RESULT_VARIABLE rc ERROR_VARIABLE err)
string(REGEX MATCHALL "note: candidate function" notes "${err}")
list(LENGTH notes count)
# The first line is the first real error, as a compiler prints it; no
# "N errors generated." before it.
string(REGEX MATCH "^[^\n]*" first_line "${err}")
if(NOT rc EQUAL 1 OR NOT err MATCHES "call to 'h' is ambiguous" OR NOT count EQUAL 2 OR EXISTS "${WORK}/bg_tasks.hpp"
   OR NOT first_line MATCHES "ambiguous_call.cpp:7:10: error: call to 'h' is ambiguous")
  message(FATAL_ERROR "expected exit 1, the ambiguity error with both candidate notes, and no output; "
                      "got exit ${rc}, ${count} notes, first line '${first_line}':\n${err}")
endif()
