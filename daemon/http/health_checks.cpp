#include <boost/json.hpp>

#include "daemon/http/gateway_view.hpp"

namespace wedge::http {

boost::json::value health_checks_json(const std::vector<HealthCheck>& checks) {
  boost::json::array out;
  for (const auto& check : checks) {
    boost::json::object o{{"name", check.name}, {"ok", check.ok}, {"reason", check.reason}};
    if (check.since_unix_ms > 0) o["since_unix_ms"] = check.since_unix_ms;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace wedge::http
