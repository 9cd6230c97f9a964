# Turns the Mustache templates into C++ raw string literals at build time, so
# bg-gen is one file with no data to find at run time.
#   OUTPUT   the header to write
#   HEADER   templates/bg_tasks.hpp.mustache
#   SOURCE   templates/bg_tasks.cpp.mustache
set(text "// Generated from generator/templates/ by embed_templates.cmake. Do not edit.\n#pragma once\n")
foreach(pair "kHeaderTemplate;${HEADER}" "kSourceTemplate;${SOURCE}")
  list(GET pair 0 name)
  list(GET pair 1 file)
  file(READ "${file}" content)
  string(FIND "${content}" ")bgtmpl\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw string delimiter )bgtmpl\"")
  endif()
  string(APPEND text "inline constexpr const char* ${name} = R\"bgtmpl(${content})bgtmpl\";\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
