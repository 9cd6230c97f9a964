# What the consumer scripts share: a fresh copy of the project SOURCE under
# BINARY/src, a build directory BINARY/build, and run(), which fails the test
# with the command's output when the command fails and leaves its output in
# `output` otherwise.
set(src ${BINARY}/src)
set(build ${BINARY}/build)
file(REMOVE_RECURSE ${BINARY})
file(COPY ${SOURCE}/ DESTINATION ${src})

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(output "${out}${err}" PARENT_SCOPE)
endfunction()

# The modification times (seconds) of the files given, as a list, to compare
# before and after an edit.
function(timestamps out)
  set(list "")
  foreach(file IN LISTS ARGN)
    file(TIMESTAMP ${file} t "%s")
    list(APPEND list "${t}")
  endforeach()
  set(${out} "${list}" PARENT_SCOPE)
endfunction()
