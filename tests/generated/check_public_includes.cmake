# Fails if the generated header includes an internal standard-library header
# (bits/..., ext/..., or a double-underscore name) or is empty.
file(STRINGS "${HEADER}" includes REGEX "^#include")
if(NOT includes)
  message(FATAL_ERROR "${HEADER} has no #include lines; was it generated?")
endif()
foreach(line IN LISTS includes)
  if(line MATCHES "<(bits|ext)/" OR line MATCHES "<__")
    message(FATAL_ERROR "${HEADER} includes an internal header: ${line}")
  endif()
endforeach()
list(LENGTH includes count)
message(STATUS "${count} includes, all public")
