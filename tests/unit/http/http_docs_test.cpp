// docs/http-api.md and docs/grafana-dashboard.json against the code: every metric the server
// writes and every metric the dashboard queries is documented, and the dashboard is valid JSON.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cctype>
#include <set>

#include "daemon/http/server_state.hpp"
#include "tests/support/process.hpp"

namespace wedge::http {
namespace {

namespace json = boost::json;

std::set<std::string> metric_names(const std::string& text) {
  // A plain scan: std::regex trips GCC 12's -Wmaybe-uninitialized under the sanitizer build.
  std::set<std::string> names;
  for (auto start = text.find("wedge_"); start != std::string::npos; start = text.find("wedge_", start + 1)) {
    auto end = start + 6;
    while (end < text.size() && (std::islower(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    std::string name = text.substr(start, end - start);
    start = end - 1;
    for (const std::string suffix : {"_bucket", "_sum", "_count"})
      if (name.size() > suffix.size() && name.ends_with(suffix) &&
          (name.find("latency") != std::string::npos || name.find("_seconds_") != std::string::npos))
        name.resize(name.size() - suffix.size());
    names.insert(name);
  }
  return names;
}

const std::string& api_doc() {
  static const std::string doc = test::read_file(WEDGE_SOURCE_DIR "/docs/http-api.md");
  return doc;
}

TEST(HttpDocs, EveryServerMetricIsDocumented) {
  ServerState state(GatewayView{}, Options{});
  PrometheusText text;
  state.write_metrics(text);
  const auto names = metric_names(text.text());
  EXPECT_GE(names.size(), 9u);
  for (const auto& name : names)
    EXPECT_NE(api_doc().find("`" + name + "`"), std::string::npos) << name;
}

TEST(HttpDocs, EveryDashboardMetricIsDocumented) {
  const auto dashboard = json::parse(test::read_file(WEDGE_SOURCE_DIR "/docs/grafana-dashboard.json"));
  std::string expressions;
  for (const auto& panel : dashboard.at("panels").as_array())
    for (const auto& target : panel.at("targets").as_array())
      expressions += std::string(target.at("expr").as_string()) + "\n";
  const auto names = metric_names(expressions);
  EXPECT_GE(names.size(), 15u);
  for (const auto& name : names)
    EXPECT_NE(api_doc().find("`" + name + "`"), std::string::npos) << name;
}

}  // namespace
}  // namespace wedge::http
