# Build conventions shared by every wedge target.
#
# wedge_warnings  INTERFACE target carrying our warning flags; -Werror applies to our code only,
#                 never to third-party headers (those come in as SYSTEM includes).
# wedge_sanitize  INTERFACE target carrying ASan+UBSan when WEDGE_SANITIZE (or WEDGE_FUZZ) is on.
# wedge_library(name SOURCES ... DEPS ...)   one static library per module.
# wedge_add_test(name LABEL unit|integration SOURCES ... DEPS ... [TIMEOUT s] [PROPERTIES p v ...])
#                 one GoogleTest executable; every test case in it is its own ctest entry
#                 `name.Suite.Case` (so `ctest -j` spreads the cases and `ctest -R name` still picks
#                 the binary's), each with the label, the timeout (seconds, per case) and PROPERTIES.

include(GoogleTest)
# Each case its own ctest entry (ctest -j spreads the cases of one binary); OFF: one entry per test
# binary. On a 2-core machine that is already busy, per-binary entries finished sooner (each case
# pays its own process and ctest bookkeeping, and parallel cases contend for the disk).
option(WEDGE_TEST_PER_CASE "One ctest entry per GoogleTest case (OFF: one per test binary)" ON)

add_library(wedge_warnings INTERFACE)
target_compile_options(wedge_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough -Werror)
target_compile_features(wedge_warnings INTERFACE cxx_std_20)
# Boost.Asio: use the modern executor model only; no deprecated interfaces.
target_compile_definitions(wedge_warnings INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_NO_TS_EXECUTORS BOOST_ASIO_DISABLE_CONCEPTS)

# A UB report stops the process (-fno-sanitize-recover), so it fails the test or fuzz run; ASan
# always does. WEDGE_FUZZ (clang) instruments every wedge library for libFuzzer's coverage as well;
# the fuzz targets add -fsanitize=fuzzer at link time (tests/fuzz/CMakeLists.txt).
add_library(wedge_sanitize INTERFACE)
if(WEDGE_FUZZ)
  target_compile_options(wedge_sanitize INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(wedge_sanitize INTERFACE -fsanitize=address,undefined)
elseif(WEDGE_SANITIZE)
  target_compile_options(wedge_sanitize INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(wedge_sanitize INTERFACE -fsanitize=address,undefined)
endif()

function(wedge_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} wedge_sanitize PRIVATE wedge_warnings ${ARG_PRIVATE_DEPS})
  target_compile_features(${name} PUBLIC cxx_std_20)
endfunction()

function(wedge_add_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS;PROPERTIES" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock
                        wedge_warnings wedge_sanitize)
  target_compile_definitions(${name} PRIVATE
    WEDGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}" WEDGE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # The cases are listed (--gtest_list_tests) when ctest starts, not after the link: the build stays
  # as fast as before, and a binary that cannot list itself (a sanitizer report at start-up) shows
  # up as a failing test instead of breaking the build of everything else. The list is cached
  # until the binary changes. The generous discovery timeout covers an ASan binary on a busy VM.
  if(WEDGE_TEST_PER_CASE)
    gtest_discover_tests(${name}
      TEST_PREFIX "${name}."
      DISCOVERY_MODE PRE_TEST
      DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} ${ARG_PROPERTIES})
  else()
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} ${ARG_PROPERTIES})
  endif()
endfunction()
