// station-bench: the measuring half of `scripts/bench stations` (issue 7 item 9). Not a test.
// See bench.hpp for what one run does and options.hpp / --help for the command line.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tools/station-bench/bench.hpp"
#include "tools/station-bench/options.hpp"

int main(int argc, char** argv) {
  using namespace wedge::station_bench;
  const auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (!parsed.options) {
    std::fprintf(stderr, "station-bench: %s\n%s", parsed.error.c_str(), usage_text().c_str());
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  try {
    StationBench bench(*parsed.options);
    return bench.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "station-bench: %s\n", e.what());
    return 1;
  }
}
