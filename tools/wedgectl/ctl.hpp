// wedgectl's commands: parse the command line, call the gateway's HTTP API, print the answer.
//
// Exit codes (docs/http-api.md):
//   0  done (and, for `health`, the gateway is healthy)
//   1  the gateway answered with an error or a refusal (HTTP 4xx/5xx other than 401/403),
//      or `health` found it unhealthy
//   2  usage error (unknown command, missing argument, unreadable token file); for
//      `check-config`, a configuration that wedge would refuse (the errors on stderr)
//   3  the gateway could not be reached or did not answer in time
//   4  access refused (HTTP 401/403): wrong or missing --token-file
//   5  `scan` only: the station took the scan but asks for attention (200 "attention")
//   6  `scan` only: no verdict in time; the scan waits at the station (202 "pending")
// `scan` exits 0 only when the station accepted that scan (200 "accepted"); a refusal is 1.
// `check-config` and `--version` need no gateway: check-config runs wedge's own check
// (check_config_command(), daemon/startup_checks.hpp), so both tools always agree.
// Pure apart from the HTTP call and reading the token file (and, for check-config, the
// configuration files); any thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace wedge::ctl {

constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitUnauthorized = 4;
constexpr int kExitAttention = 5;
constexpr int kExitPending = 6;

// `args` without the program name.
int run_ctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wedge::ctl
