# write_compile_database(<work dir> <flags> <sources var>): writes
# <work dir>/compile_commands.json with one g++ command per source, as CMake's
# CMAKE_EXPORT_COMPILE_COMMANDS would, and sets <sources var> to the sources
# of the golden case in CASE (sorted).
function(write_compile_database work flags sources_var)
  file(GLOB sources LIST_DIRECTORIES false "${CASE}/input/*.cpp")
  list(SORT sources)
  set(entries "")
  foreach(source IN LISTS sources)
    if(entries)
      string(APPEND entries ",\n")
    endif()
    string(APPEND entries "  {\"directory\": \"${work}\", \"file\": \"${source}\", "
                          "\"command\": \"/usr/bin/g++ ${flags} -c ${source} -o x.o\"}")
  endforeach()
  file(WRITE "${work}/compile_commands.json" "[\n${entries}\n]\n")
  set(${sources_var} "${sources}" PARENT_SCOPE)
endfunction()
