// Starting tools/uplink-runner from the integration tests.
#pragma once

#include "tests/support/process.hpp"

#include <memory>
#include <string>
#include <vector>

namespace wedge::test {

inline std::unique_ptr<Subprocess> start_runner(const std::string& uri, const std::string& state_dir,
                                                std::vector<std::string> extra, const std::string& log_path) {
  std::vector<std::string> argv = {std::string(WEDGE_BINARY_DIR) + "/tools/uplink-runner/uplink-runner", "--uri", uri,
                                   "--state-dir", state_dir};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Subprocess>(argv, log_path);
}

inline bool log_has(const Subprocess& process, const std::string& text) {
  return process.log().find(text) != std::string::npos;
}

}  // namespace wedge::test
