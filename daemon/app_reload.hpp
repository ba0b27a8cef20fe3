// The outcome of one configuration reload (SIGHUP, `wedgectl reload` / POST /api/v1/reload,
// `systemctl reload wedge`): applied, or refused with every reason. A refused reload changed
// nothing. Its JSON is the body of POST /api/v1/reload (docs/http-api.md). Value type; any thread.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace wedge {

struct ReloadOutcome {
  bool applied = false;
  // Refused: why, one sentence each (configuration errors as FILE:LINE:COL: key: message,
  // start-up problems, changes the orders in progress do not allow).
  std::vector<std::string> errors;
  // Applied: what changed, one line per section ("devices: added scanner-2; changed scale-1").
  std::vector<std::string> changes;
  // Applied: changed keys that wait for the next restart, as "key: why".
  std::vector<std::string> at_restart;

  // One line for the log and systemd's STATUS=.
  [[nodiscard]] std::string summary() const;
};

// {"result":"applied"|"refused","changes":[…],"at_restart":[…],"errors":[…]}
[[nodiscard]] boost::json::value reload_json(const ReloadOutcome& outcome);

}  // namespace wedge
