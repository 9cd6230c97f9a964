# bg_generate_tasks(<target> [SOURCES src...] [NAMESPACE ns] [OUTPUT_DIR dir] [ROOT dir])
#
# Runs bg-gen over the target's C++ sources (or the SOURCES given) with the
# target's include directories, compile definitions and C++ standard, adds the
# generated bg_tasks.cpp to the target, the output directory to its include
# path, and links bgtasks::runtime.
#
#   NAMESPACE   namespace of the task objects (default: tasks)
#   OUTPUT_DIR  where bg_tasks.{hpp,cpp,json,d} go
#               (default: ${CMAKE_CURRENT_BINARY_DIR}/<target>_bg_tasks)
#   ROOT        paths in the manifest and registry are relative to it
#               (default: PROJECT_SOURCE_DIR)
#
# bg-gen writes a depfile, so editing any header a source includes reruns it;
# it rewrites an output only when its content changes, so editing a task's
# body or a file without tasks recompiles nothing generated.
cmake_policy(PUSH)
cmake_policy(VERSION 3.25)  # DEPFILE paths handled alike by Ninja and Makefiles (CMP0116)

function(bg_generate_tasks target)
  cmake_parse_arguments(PARSE_ARGV 1 BG "" "NAMESPACE;OUTPUT_DIR;ROOT" "SOURCES")
  if(BG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "bg_generate_tasks(${target}): unknown arguments '${BG_UNPARSED_ARGUMENTS}'; "
                        "it takes SOURCES, NAMESPACE, OUTPUT_DIR and ROOT")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "bg_generate_tasks: '${target}' is not a target; call it after add_executable or "
                        "add_library")
  endif()
  if(NOT TARGET bgtasks::bg-gen)
    message(FATAL_ERROR "bg_generate_tasks(${target}): bgtasks::bg-gen is not available; build bgtasks with "
                        "BG_BUILD_GENERATOR=ON (it needs Debian's libclang-16-dev and libclang-cpp16-dev)")
  endif()
  if(NOT BG_NAMESPACE)
    set(BG_NAMESPACE tasks)
  endif()
  if(NOT BG_NAMESPACE MATCHES "^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$")
    message(FATAL_ERROR "bg_generate_tasks(${target}): NAMESPACE '${BG_NAMESPACE}' is not a C++ namespace name")
  endif()
  if(NOT BG_OUTPUT_DIR)
    set(BG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${target}_bg_tasks)
  endif()
  cmake_path(ABSOLUTE_PATH BG_OUTPUT_DIR BASE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} NORMALIZE)
  if(NOT BG_ROOT)
    set(BG_ROOT ${PROJECT_SOURCE_DIR})
  endif()

  # Sources: those given, else the target's C++ sources (headers are read
  # through the sources that include them).
  if(NOT BG_SOURCES)
    get_target_property(BG_SOURCES ${target} SOURCES)
    list(FILTER BG_SOURCES INCLUDE REGEX "\\.(cpp|cc|cxx|c\\+\\+|C)$")
    list(FILTER BG_SOURCES EXCLUDE REGEX "^\\$<")
    list(FILTER BG_SOURCES EXCLUDE REGEX "bg_tasks\\.cpp$")
  endif()
  if(NOT BG_SOURCES)
    message(FATAL_ERROR "bg_generate_tasks(${target}): the target has no C++ sources to read; list them "
                        "with SOURCES")
  endif()
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(sources "")
  foreach(source IN LISTS BG_SOURCES)
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir} NORMALIZE OUTPUT_VARIABLE absolute)
    list(APPEND sources ${absolute})
  endforeach()

  set(out ${BG_OUTPUT_DIR})
  set(includes "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(definitions "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  set(standard "$<TARGET_PROPERTY:${target},CXX_STANDARD>")
  add_custom_command(
    OUTPUT ${out}/bg_tasks.hpp ${out}/bg_tasks.cpp ${out}/bg_tasks.json
    COMMAND bgtasks::bg-gen -o ${out} --namespace ${BG_NAMESPACE} --root ${BG_ROOT} ${sources} --
            "$<$<BOOL:${includes}>:-I$<JOIN:${includes},;-I>>"
            "$<$<BOOL:${definitions}>:-D$<JOIN:${definitions},;-D>>"
            "$<IF:$<BOOL:${standard}>,-std=c++${standard},-std=c++20>"
    DEPENDS ${sources} bgtasks::bg-gen
    DEPFILE ${out}/bg_tasks.d
    COMMAND_EXPAND_LISTS
    VERBATIM
    COMMENT "bg-gen: [[bg::task]] entry points for ${target}")
  target_sources(${target} PRIVATE ${out}/bg_tasks.cpp ${out}/bg_tasks.hpp)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${out}>)
  target_link_libraries(${target} PUBLIC bgtasks::runtime)
  set_property(TARGET ${target} PROPERTY BG_TASKS_OUTPUT_DIR ${out})
endfunction()

cmake_policy(POP)
