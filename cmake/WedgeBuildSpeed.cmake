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
# The figures behind each are in docs/operations.md ("How long CI takes, and the knobs that keep
# it short").
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
