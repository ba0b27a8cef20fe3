// Fleet observability on the real daemon (issue 19, item 5): /metrics of a running gateway follows
// the Prometheus text rules for its histograms (buckets cumulative, +Inf = _count, _sum present),
// carries the process_* figures from /proc/self, and every metric docs/grafana-dashboard.json
// queries is one the daemon declares; the dashboard has the `site` and `gateway` variables.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/mosquitto.hpp"
#include "tests/support/wedge_daemon.hpp"

namespace {

using namespace std::chrono_literals;
using namespace wedge::test;  // the peers and helpers of tests/support
namespace json = boost::json;
constexpr auto has = contains;

struct Sample {
  std::string name;
  std::string labels;  // as written, without the le label
  std::string le;      // the le label of a bucket; empty otherwise
  double value = 0;
};

// One sample line `name{a="b",le="0.1"} 3`; label values in this test never hold ',' or '}'.
Sample parse_sample(const std::string& line) {
  Sample s;
  const auto brace = line.find('{');
  const auto space = line.rfind(' ');
  s.name = line.substr(0, brace == std::string::npos ? space : brace);
  if (brace != std::string::npos) {
    std::istringstream labels(line.substr(brace + 1, line.rfind('}') - brace - 1));
    for (std::string label; std::getline(labels, label, ',');) {
      if (label.rfind("le=\"", 0) == 0) s.le = label.substr(4, label.size() - 5);
      else s.labels += label + ",";
    }
  }
  s.value = std::stod(line.substr(space + 1));
  return s;
}

// Family name → TYPE, from the `# TYPE` lines.
std::map<std::string, std::string> declared_types(const std::string& text) {
  std::map<std::string, std::string> types;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string name, type;
      fields >> name >> type;
      types[name] = type;
    }
  return types;
}

std::vector<Sample> samples(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.push_back(parse_sample(line));
  return out;
}

// Checks every histogram series of the scrape; `checked` counts the series it checked.
void check_histograms(const std::string& text, int& checked) {
  const auto types = declared_types(text);
  struct Series {
    std::vector<std::pair<std::string, double>> buckets;  // in written order
    std::optional<double> sum, count;
  };
  std::map<std::string, Series> series;  // family + labels
  for (const auto& s : samples(text)) {
    for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (!s.name.ends_with(suffix)) continue;
      const std::string family = s.name.substr(0, s.name.size() - suffix.size());
      const auto type = types.find(family);
      if (type == types.end() || type->second != "histogram") continue;
      auto& one = series[family + "{" + s.labels + "}"];
      if (suffix == "_bucket") one.buckets.emplace_back(s.le, s.value);
      if (suffix == "_sum") one.sum = s.value;
      if (suffix == "_count") one.count = s.value;
    }
  }
  checked = static_cast<int>(series.size());
  for (const auto& [key, one] : series) {
    SCOPED_TRACE(key);
    ASSERT_FALSE(one.buckets.empty());
    EXPECT_TRUE(one.sum.has_value());
    ASSERT_TRUE(one.count.has_value());
    EXPECT_EQ(one.buckets.back().first, "+Inf");
    EXPECT_EQ(one.buckets.back().second, *one.count);
    for (std::size_t i = 1; i < one.buckets.size(); ++i) {
      EXPECT_LE(one.buckets[i - 1].second, one.buckets[i].second) << "le=" << one.buckets[i].first;
      if (i + 1 < one.buckets.size()) {
        EXPECT_LT(std::stod(one.buckets[i - 1].first), std::stod(one.buckets[i].first));
      }
    }
  }
}

// Metric names in PromQL expressions: wedge_* and process_* identifiers, histogram suffixes kept.
std::set<std::string> expr_metric_names(const std::string& expr) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < expr.size(); ++i) {
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(expr[i - 1])) || expr[i - 1] == '_')) continue;
    if (expr.compare(i, 6, "wedge_") != 0 && expr.compare(i, 8, "process_") != 0) continue;
    auto end = i;
    while (end < expr.size() && (std::islower(static_cast<unsigned char>(expr[end])) || expr[end] == '_')) ++end;
    names.insert(expr.substr(i, end - i));
    i = end;
  }
  return names;
}

class MetricsDaemon : public WedgeDaemon {
 public:
  explicit MetricsDaemon(const Mosquitto& broker)
      : WedgeDaemon({"gw-metrics", "  uri: " + broker.uri() + "\n",
                     "kpi:\n  interval_s: 1\nstations:\n  - id: S1\n    steps: [pick]\n"}) {}
  std::string metrics() const { return get("/metrics").body; }
  int scan() const { return WedgeDaemon::scan("S1", "0109501101020917").status; }
};

TEST(DaemonMetrics, HistogramsFollowThePrometheusRulesAndProcessFiguresComeFromProcSelf) {
  Mosquitto broker;
  broker.start();
  MetricsDaemon d(broker);
  std::string text;
  // A scan with no order is refused: one verdict observed, one refusal counted, and its
  // station.scan event acknowledged by the broker (one publish latency observed).
  ASSERT_TRUE(wait_until([&] { return d.scan() != 0; }, 15s)) << d.log();
  ASSERT_TRUE(wait_until([&] {
    text = d.metrics();
    return has(text, "wedge_station_scan_verdict_seconds_count{station=\"S1\"} 1\n") &&
           !has(text, "wedge_mqtt_publish_latency_seconds_count 0\n");
  }, 15s)) << text << d.log();
  EXPECT_TRUE(has(text, "# TYPE wedge_station_scan_verdict_seconds histogram\n")) << text;
  EXPECT_TRUE(has(text, "wedge_station_scan_verdict_seconds_bucket{station=\"S1\",le=\"0.001\"} ")) << text;
  EXPECT_TRUE(has(text, "wedge_station_scan_verdict_seconds_bucket{station=\"S1\",le=\"+Inf\"} 1\n")) << text;
  EXPECT_TRUE(has(text, "# TYPE wedge_station_step_seconds histogram\n")) << text;
  EXPECT_TRUE(has(text, "# TYPE wedge_station_order_fulfilment_seconds histogram\n")) << text;
  // The scan's event was committed: the outbox's commit histogram has it.
  EXPECT_TRUE(has(text, "# TYPE wedge_outbox_commit_seconds histogram\n")) << text;
  EXPECT_TRUE(has(text, "wedge_outbox_commit_seconds_bucket{le=\"0.00025\"} ")) << text;
  double commits = 0;
  for (const auto& s : samples(text))
    if (s.name == "wedge_outbox_commit_seconds_count") commits = s.value;
  EXPECT_GE(commits, 1) << text;
  int checked = 0;
  check_histograms(text, checked);
  EXPECT_GE(checked, 3);

  const auto types = declared_types(text);
  for (const std::string name : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                                 "process_start_time_seconds", "process_virtual_memory_bytes", "process_max_fds"})
    EXPECT_TRUE(types.contains(name)) << name;
  std::map<std::string, double> process;
  for (const auto& s : samples(text))
    if (s.name.rfind("process_", 0) == 0) process[s.name] = s.value;
  EXPECT_GT(process["process_resident_memory_bytes"], 1024.0 * 1024);
  EXPECT_GE(process["process_open_fds"], 3);  // stdin, stdout, stderr at least, plus sockets and databases
  EXPECT_GE(process["process_cpu_seconds_total"], 0);
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(process["process_start_time_seconds"], now + 1);
  EXPECT_GT(process["process_start_time_seconds"], now - 600);
}

TEST(DaemonMetrics, EveryMetricTheGrafanaDashboardQueriesIsInALiveScrape) {
  const auto dashboard =
      json::parse(read_file(WEDGE_SOURCE_DIR "/docs/grafana-dashboard.json")).as_object();
  std::set<std::string> variables;
  for (const auto& v : dashboard.at("templating").at("list").as_array())
    variables.insert(std::string(v.at("name").as_string()));
  EXPECT_TRUE(variables.contains("site"));
  EXPECT_TRUE(variables.contains("gateway"));

  std::set<std::string> names;
  std::set<std::string> titles;
  auto add = [&names](std::string_view expr) {
    for (const auto& n : expr_metric_names(std::string(expr))) names.insert(n);
  };
  for (const auto& v : dashboard.at("templating").at("list").as_array()) add(v.at("query").as_string());
  for (const auto& panel : dashboard.at("panels").as_array()) {
    titles.insert(std::string(panel.at("title").as_string()));
    for (const auto& target : panel.at("targets").as_array()) {
      const std::string expr(target.at("expr").as_string());
      add(expr);
      // Every gateway series is filtered by the variables (through wedge_build_info, or itself).
      EXPECT_TRUE(has(expr, "$site") && has(expr, "$gateway")) << expr;
    }
  }
  for (const std::string title : {"Gateways online", "Outbox depth per gateway", "Oldest buffered event per gateway",
                                  "Refused scans by reason (fleet)", "Scan → verdict (fleet histogram)",
                                  "Event → PUBACK (fleet histogram)"})
    EXPECT_TRUE(titles.contains(title)) << title;
  EXPECT_GE(names.size(), 20u);

  Mosquitto broker;
  broker.start();
  MetricsDaemon d(broker);
  std::string text;
  ASSERT_TRUE(wait_until([&] { return has(text = d.metrics(), "wedge_build_info{"); }, 15s)) << d.log();
  const auto types = declared_types(text);
  for (const auto& name : names) {
    std::string family = name;
    for (const std::string suffix : {"_bucket", "_sum", "_count"})
      if (name.ends_with(suffix) && types.contains(name.substr(0, name.size() - suffix.size())))
        family = name.substr(0, name.size() - suffix.size());
    const auto type = types.find(family);
    ASSERT_NE(type, types.end()) << name << " is not in the scrape:\n" << text;
    if (family != name) {
      EXPECT_EQ(type->second, "histogram") << name << ": histogram_quantile needs a histogram";
    }
  }
}

}  // namespace
