# Build and test speed knobs, included from the top-level CMakeLists.txt before any target.
#
# WEDGE_FAST_BUILD (OFF by default; scripts/test, and so CI, turns it on). The test builds need
# function names and line numbers in a report, not a debugger's view of every variable:
#   - line tables only (-g1): full debug info was most of each object (576 MB for build/) and of
#     the compile and link time;
#   - sanitized builds at -O1 instead of -O2 (the level the ASan documentation recommends):
#     reports keep their lines, frames are inlined less, and the compiler does much less work;
#   - lld as the linker when it is installed (scripts/setup installs it): several times faster
#     than GNU ld on these test executables.
# The figures behind each are in docs/operations.md ("How long CI takes and why").
option(WEDGE_FAST_BUILD "Line tables only, -O1 under sanitizers, lld: the fast test build" OFF)

if(WEDGE_FAST_BUILD)
  # Added after CMAKE_CXX_FLAGS_<CONFIG> on every compile line; GCC and clang take the last -g/-O.
  add_compile_options(-g1)
  if(WEDGE_SANITIZE AND NOT WEDGE_FUZZ)
    add_compile_options(-O1)
  endif()
  find_program(WEDGE_LLD ld.lld)
  if(WEDGE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()

# ctest runs the longest tests first when it knows how long they take (its cost data, written after
# every run to Testing/Temporary/CTestCostData.txt). A fresh build tree (CI's clean clone) has none,
# so it starts from the figures of a whole run kept in tests/ctest-cost-data.txt: with -j the run
# then does not end on one long test that started last. Cases not listed there cost 0 (run last);
# names that no longer exist are ignored. Regenerate: copy a build's CTestCostData.txt over it.
if(WEDGE_BUILD_TESTS)
  set(wedge_cost_data ${PROJECT_BINARY_DIR}/Testing/Temporary/CTestCostData.txt)
  if(NOT EXISTS ${wedge_cost_data} AND EXISTS ${PROJECT_SOURCE_DIR}/tests/ctest-cost-data.txt)
    configure_file(${PROJECT_SOURCE_DIR}/tests/ctest-cost-data.txt ${wedge_cost_data} COPYONLY)
  endif()
endif()
