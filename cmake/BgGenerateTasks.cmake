# bg_generate_tasks(<target> [SOURCES src...] [NAMESPACE ns] [OUTPUT_DIR dir] [ROOT dir]
#                   [HEADER name.hpp] [EXPORT_MACRO macro EXPORT_HEADER header])
#
# Generates typed entry points and the task registry for the [[bg::task]]
# functions in the target's C++ sources, compiles them into the target, puts
# the generated header on its include path (PUBLIC for libraries) and links
# bgtasks::runtime.
#
#   SOURCES       the sources to read (default: every C++ source of the target,
#                 including those added after this call)
#   NAMESPACE     namespace of the task objects (default: tasks)
#   OUTPUT_DIR    where the generated files go
#                 (default: ${CMAKE_CURRENT_BINARY_DIR}/<target>_bg_tasks)
#   ROOT          paths in the manifest and registry are relative to it
#                 (default: PROJECT_SOURCE_DIR)
#   HEADER        the generated header's name (default: bg_tasks.hpp); the
#                 source and manifest take the same stem. Libraries linked into
#                 one program need different names to be included side by side.
#   EXPORT_MACRO  for a shared library: the macro that exports the generated
#   EXPORT_HEADER functions (from GenerateExportHeader, say) and the header that
#                 defines it, as #include spells it ("mylib_export.h"). Without
#                 them the functions get default visibility, which works with
#                 CXX_VISIBILITY_PRESET hidden as well.
#
# How it builds (as CMake's AUTOMOC does): one bg-gen step per target keeps a
# small model fragment per source and rescans only the sources whose files
# changed, with exactly the compiler's command line (from
# compile_commands.json, which this function turns on for the target). A
# source none of whose files has a [[bg::...]] attribute is not parsed. The
# step merges the fragments and rewrites an output only when its content
# changes, so nothing generated is recompiled unless a task's declaration
# changed.
cmake_policy(PUSH)
cmake_policy(VERSION 3.25)  # DEPFILE paths handled alike by Ninja and Makefiles (CMP0116)

function(bg_generate_tasks target)
  cmake_parse_arguments(PARSE_ARGV 1 BG "" "NAMESPACE;OUTPUT_DIR;ROOT;HEADER;EXPORT_MACRO;EXPORT_HEADER" "SOURCES")
  set(usage "it takes SOURCES, NAMESPACE, OUTPUT_DIR, ROOT, HEADER, EXPORT_MACRO and EXPORT_HEADER")
  if(BG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "bg_generate_tasks(${target}): unknown arguments '${BG_UNPARSED_ARGUMENTS}'; ${usage}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "bg_generate_tasks: '${target}' is not a target; call it after add_executable or "
                        "add_library")
  endif()
  get_target_property(aliased ${target} ALIASED_TARGET)
  if(aliased)
    message(FATAL_ERROR "bg_generate_tasks(${target}): '${target}' is an alias; pass the real target '${aliased}'")
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
    message(FATAL_ERROR "bg_generate_tasks(${target}): a ${type} has no sources to compile the registry into; "
                        "call it on the executable or library that holds the tasks")
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
  if(NOT BG_HEADER)
    set(BG_HEADER bg_tasks.hpp)
  endif()
  if(NOT BG_HEADER MATCHES "^([A-Za-z_][A-Za-z0-9_]*)\\.(hpp|h|hh|hxx)$")
    message(FATAL_ERROR "bg_generate_tasks(${target}): HEADER '${BG_HEADER}' must be a file name such as "
                        "mail_tasks.hpp (no directory; the stem names the generated source too)")
  endif()
  set(basename ${CMAKE_MATCH_1})
  if(BG_EXPORT_MACRO AND NOT BG_EXPORT_HEADER OR BG_EXPORT_HEADER AND NOT BG_EXPORT_MACRO)
    message(FATAL_ERROR "bg_generate_tasks(${target}): EXPORT_MACRO and EXPORT_HEADER go together: the macro, "
                        "and the header that defines it (\"mylib_export.h\")")
  endif()
  if(BG_EXPORT_HEADER AND NOT BG_EXPORT_HEADER MATCHES "^[<\"].*[>\"]$")
    set(BG_EXPORT_HEADER "\"${BG_EXPORT_HEADER}\"")
  endif()
  if(NOT BG_OUTPUT_DIR)
    set(BG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${target}_bg_tasks)
  endif()
  cmake_path(ABSOLUTE_PATH BG_OUTPUT_DIR BASE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} NORMALIZE)
  if(NOT BG_ROOT)
    set(BG_ROOT ${PROJECT_SOURCE_DIR})
  endif()
  get_target_property(done ${target} BG_TASKS_OUTPUT_DIR)
  if(done)
    message(FATAL_ERROR "bg_generate_tasks(${target}) is called twice; call it once per target")
  endif()
  set(sources "")
  foreach(source IN LISTS BG_SOURCES)
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} NORMALIZE OUTPUT_VARIABLE absolute)
    list(APPEND sources ${absolute})
  endforeach()

  set(out ${BG_OUTPUT_DIR})
  set_target_properties(${target} PROPERTIES
    BG_TASKS_OUTPUT_DIR ${out}
    BG_TASKS_HEADER ${BG_HEADER}
    BG_TASKS_BASENAME ${basename}
    BG_TASKS_NAMESPACE ${BG_NAMESPACE}
    BG_TASKS_ROOT ${BG_ROOT}
    BG_TASKS_EXPORT_MACRO "${BG_EXPORT_MACRO}"
    BG_TASKS_EXPORT_HEADER "${BG_EXPORT_HEADER}"
    BG_TASKS_SOURCES "${sources}"
    # bg-gen reads each source's exact command line from compile_commands.json.
    EXPORT_COMPILE_COMMANDS ON)

  # Include path and runtime now, so that code after this call sees them.
  # Properties rather than target_link_libraries: a target that used the
  # keyword-less signature before ("target_link_libraries(app Threads::Threads)")
  # may not mix in a keyword one, and appending works for both.
  set_property(TARGET ${target} APPEND PROPERTY INCLUDE_DIRECTORIES "$<BUILD_INTERFACE:${out}>")
  set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES bgtasks::runtime)
  if(NOT type STREQUAL "EXECUTABLE")
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES "$<BUILD_INTERFACE:${out}>")
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES bgtasks::runtime)
  endif()

  # Every generated header in the build: each bg-gen step reads them all as
  # empty stand-ins, so no step waits for another target's merge.
  set_property(GLOBAL APPEND PROPERTY BG_TASKS_GENERATED_HEADERS ${out}/${BG_HEADER})

  # The build steps are made when the target's sources are complete: at the
  # end of the target's directory when this call is inside it (sources added
  # after this call count), else at the end of the calling directory.
  get_target_property(target_dir ${target} SOURCE_DIR)
  cmake_path(IS_PREFIX target_dir "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE inside)
  if(inside)
    set(defer_dir ${target_dir})
  else()
    set(defer_dir ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  set_target_properties(${target} PROPERTIES BG_TASKS_IN_TARGET_DIR ${inside})
  cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${defer_dir}]] CALL _bg_generate_tasks_steps [[${target}]])")
endfunction()

# The C++ sources of `target` bg-gen reads, as absolute paths.
function(_bg_task_sources target out_var)
  get_target_property(sources ${target} BG_TASKS_SOURCES)
  if(sources)
    set(${out_var} ${sources} PARENT_SCOPE)
    return()
  endif()
  get_target_property(all ${target} SOURCES)
  get_target_property(out ${target} BG_TASKS_OUTPUT_DIR)
  get_target_property(basename ${target} BG_TASKS_BASENAME)
  get_target_property(source_dir ${target} SOURCE_DIR)
  get_target_property(binary_dir ${target} BINARY_DIR)
  set(result "")
  foreach(source IN LISTS all)
    if(source MATCHES "^\\$<")  # a generator expression: not known before the build
      continue()
    endif()
    # Where CMake itself finds a relative name: the target's source directory,
    # else its binary directory (configure_file'd sources, and outputs of
    # add_custom_command that the build writes later).
    if(IS_ABSOLUTE "${source}")
      set(location "${source}")
    else()
      cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir} NORMALIZE OUTPUT_VARIABLE location)
      if(NOT EXISTS "${location}")
        # Asked only here: asking about a path makes CMake record it as a
        # source, which would then shadow the file in the source directory.
        cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${binary_dir} NORMALIZE OUTPUT_VARIABLE in_binary)
        get_source_file_property(generated "${in_binary}" TARGET_DIRECTORY ${target} GENERATED)
        if(EXISTS "${in_binary}" OR generated)
          set(location "${in_binary}")
        endif()
      endif()
    endif()
    get_source_file_property(language "${location}" TARGET_DIRECTORY ${target} LANGUAGE)
    get_source_file_property(header_only "${location}" TARGET_DIRECTORY ${target} HEADER_FILE_ONLY)
    if(header_only)
      continue()
    endif()
    if(language AND NOT language STREQUAL "CXX")
      continue()
    endif()
    if(NOT language AND NOT location MATCHES "\\.(cpp|cc|cxx|c\\+\\+|C|CPP)$")
      continue()
    endif()
    if(location STREQUAL "${out}/${basename}.cpp")
      continue()
    endif()
    list(APPEND result ${location})
  endforeach()
  list(REMOVE_DUPLICATES result)
  set(${out_var} ${result} PARENT_SCOPE)
endfunction()

function(_bg_generate_tasks_steps target)
  foreach(property OUTPUT_DIR HEADER BASENAME NAMESPACE ROOT EXPORT_MACRO EXPORT_HEADER IN_TARGET_DIR)
    get_target_property(${property} ${target} BG_TASKS_${property})
  endforeach()
  set(out ${OUTPUT_DIR})
  _bg_task_sources(${target} sources)
  if(NOT sources)
    message(FATAL_ERROR "bg_generate_tasks(${target}): the target has no C++ sources to read; list them "
                        "with SOURCES")
  endif()

  # A library this target links that generates a header of the same name:
  # `#include "bg_tasks.hpp"` would find either one.
  get_target_property(links ${target} LINK_LIBRARIES)
  foreach(link IN LISTS links)
    if(TARGET "${link}")
      get_target_property(link_header "${link}" BG_TASKS_HEADER)
      if(link_header STREQUAL HEADER)
        message(FATAL_ERROR "bg_generate_tasks(${target}): '${target}' links '${link}', which also generates "
                            "'${HEADER}', so an #include of it would find either one; give one of them another "
                            "name with HEADER (bg_generate_tasks(${target} HEADER ${target}_tasks.hpp))")
      endif()
    endif()
  endforeach()

  get_property(all_headers GLOBAL PROPERTY BG_TASKS_GENERATED_HEADERS)
  set(stubs "")
  foreach(header IN LISTS all_headers)
    if(NOT header STREQUAL "${out}/${HEADER}")
      list(APPEND stubs --stub=${header})
    endif()
  endforeach()
  get_target_property(binary_dir ${target} BINARY_DIR)
  set(database ${CMAKE_BINARY_DIR}/compile_commands.json)

  # One step per target, as CMake's AUTOMOC: bg-gen keeps a fragment per
  # source under fragments/ and rescans only the sources whose files changed
  # (all in one process that reduces each shared header once), then merges.
  # Its output is the stamp, always touched, so Make does not rerun it
  # forever; the generated files are byproducts rewritten only when their
  # content changes, so their users recompile only then. Its depfile lists
  # every file any source read.
  set(export_args "")
  if(EXPORT_MACRO)
    set(export_args --export-macro=${EXPORT_MACRO} --export-header=${EXPORT_HEADER})
  endif()
  set(stamp ${out}/${BASENAME}.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    BYPRODUCTS ${out}/${BASENAME}.hpp ${out}/${BASENAME}.cpp ${out}/${BASENAME}.json
    COMMAND bgtasks::bg-gen --fragments=${out}/fragments --stamp=${stamp} -p ${CMAKE_BINARY_DIR}
            --object-dir=${binary_dir}/CMakeFiles/${target}.dir -o ${out} --basename=${BASENAME}
            --namespace=${NAMESPACE} --root=${ROOT} --target=${target} ${export_args} ${stubs} ${sources}
    DEPENDS ${sources} ${database} bgtasks::bg-gen
    DEPFILE ${out}/${BASENAME}.d
    VERBATIM
    COMMENT "bg-gen: [[bg::task]] entry points for ${target}")

  if(IN_TARGET_DIR)
    target_sources(${target} PRIVATE ${stamp} ${out}/${BASENAME}.cpp ${out}/${BASENAME}.hpp)
  else()
    # The target lives in a directory that is already complete: a custom
    # target here runs the steps first, and the generated source is marked
    # as generated where the target is.
    add_custom_target(${target}_bg_tasks DEPENDS ${stamp})
    add_dependencies(${target} ${target}_bg_tasks)
    set_source_files_properties(${out}/${BASENAME}.cpp ${out}/${BASENAME}.hpp TARGET_DIRECTORY ${target}
                                PROPERTIES GENERATED TRUE)
    target_sources(${target} PRIVATE ${out}/${BASENAME}.cpp)
  endif()
endfunction()

cmake_policy(POP)
