# expect_golden(<dir> <case dir> <how>): the outputs bg-gen wrote in <dir> are
# byte-for-byte the golden ones in <case dir>/expected; <how> names the run in
# the failure message.
function(expect_golden dir case how)
  foreach(name IN ITEMS bg_tasks.hpp bg_tasks.cpp bg_tasks.json)
    file(READ "${dir}/${name}" got)
    file(READ "${case}/expected/${name}" expected)
    if(NOT got STREQUAL expected)
      message(FATAL_ERROR "${name} from ${how} differs from ${case}/expected/${name}")
    endif()
  endforeach()
endfunction()
