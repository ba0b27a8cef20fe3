# Include rules: the data flows one way (device → station → outbox → MQTT), and so do the includes.
# wedge_include_rule(<target> DIR <dir> FORBID <prefix>...) makes building <target> fail when a
# source or header under <dir> (relative to the project root) includes a header whose path starts
# with one of the prefixes, e.g. "daemon/mqtt/". The scan runs on every build, before <target>
# compiles (a few dozen files: milliseconds), so a new file or a new include is caught at once,
# not only after a re-configure.
#
# The same file is the scanning script: cmake -DROOT=… -DDIR=… -DFORBID=a;b -P WedgeIncludeRules.cmake
if(CMAKE_SCRIPT_MODE_FILE)
  # A directory scan, not a source list: it must also see files nobody added to a target yet.
  file(GLOB_RECURSE scanned RELATIVE "${ROOT}" "${ROOT}/${DIR}/*.cpp" "${ROOT}/${DIR}/*.hpp" "${ROOT}/${DIR}/*.h")
  set(broken "")
  foreach(path IN LISTS scanned)
    file(STRINGS "${ROOT}/${path}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]*)[>\"].*$" "\\1" header "${line}")
      foreach(prefix IN LISTS FORBID)
        string(FIND "${header}" "${prefix}" at)
        if(at EQUAL 0)
          list(APPEND broken "${path}: #include \"${header}\"")
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(broken)
    list(JOIN broken "\n  " listed)
    message(FATAL_ERROR "include rule broken: ${DIR} must not include ${FORBID} "
                        "(docs/architecture.md, \"Include rules\"):\n  ${listed}")
  endif()
  return()
endif()

function(wedge_include_rule target)
  cmake_parse_arguments(ARG "" "DIR" "FORBID" ${ARGN})
  string(MAKE_C_IDENTIFIER "${target}_include_rule" check)
  add_custom_target(${check}
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DDIR=${ARG_DIR} "-DFORBID=${ARG_FORBID}"
            -P ${PROJECT_SOURCE_DIR}/cmake/WedgeIncludeRules.cmake
    COMMENT "Include rule: ${ARG_DIR} includes nothing from ${ARG_FORBID}"
    VERBATIM)
  add_dependencies(${target} ${check})
  # The link graph says the same: a forbidden room must not be linked in either.
  get_target_property(linked ${target} LINK_LIBRARIES)
  foreach(prefix IN LISTS ARG_FORBID)
    string(REGEX REPLACE "^daemon/([a-z_]+)/$" "wedge_\\1" library "${prefix}")
    if(library IN_LIST linked)
      message(FATAL_ERROR "${target} links ${library}, which ${ARG_DIR} must not depend on")
    endif()
  endforeach()
endfunction()
