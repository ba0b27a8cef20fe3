// fleet-bench: the measuring half of `scripts/bench fleet` (issue 19 item 6). Not a test.
// See bench.hpp for what one run does and options.hpp / --help for the command line.
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tools/fleet-bench/bench.hpp"
#include "tools/fleet-bench/options.hpp"

int main(int argc, char** argv) {
  using namespace wedge::fleet_bench;
  const auto parsed = parse_fleet_options(std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.help) {
    std::fputs(fleet_usage_text().c_str(), stdout);
    return 0;
  }
  if (!parsed.options) {
    std::fprintf(stderr, "fleet-bench: %s\n%s", parsed.error.c_str(), fleet_usage_text().c_str());
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  // N x M scanner sockets and the broker connections: up to the hard limit of open files.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &files);
  }
  try {
    FleetBench bench(*parsed.options);
    return bench.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fleet-bench: %s\n", e.what());
    return 1;
  }
}
