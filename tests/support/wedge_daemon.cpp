#include "tests/support/wedge_daemon.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace wedge::test {

const std::string& wedge_binary() {
  static const std::string path = std::string(WEDGE_BINARY_DIR) + "/daemon/wedge";
  return path;
}

const std::string& wedgectl_binary() {
  static const std::string path = std::string(WEDGE_BINARY_DIR) + "/tools/wedgectl/wedgectl";
  return path;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

void expect_contains_all(const std::string& text, std::initializer_list<std::string> needles) {
  for (const auto& needle : needles) EXPECT_TRUE(contains(text, needle)) << "no \"" << needle << "\" in:\n" << text;
}

std::string fast_broker(const std::string& uri, int reconnect_max_ms) {
  return "  uri: " + uri + "\n  reconnect_min_ms: 100\n  reconnect_max_ms: " + std::to_string(reconnect_max_ms) +
         "\n";
}

WedgeDaemon::WedgeDaemon(WedgeOptions options)
    : http_port_(free_tcp_port()), config_path_(dir_.file("wedge.yaml")) {
  write_config(options);
  for (auto& entry : options.env) {
    constexpr std::string_view kDir = "{dir}";
    for (auto at = entry.find(kDir); at != std::string::npos; at = entry.find(kDir, at))
      entry.replace(at, kDir.size(), dir_.path());
  }
  if (options.notify) {
    notify_ = std::make_unique<NotifySocket>(dir_.file("notify.sock"));
    options.env.push_back("NOTIFY_SOCKET=" + dir_.file("notify.sock"));
  }
  env_ = std::move(options.env);
  process_ = std::make_unique<Subprocess>(std::vector<std::string>{wedge_binary(), "--config", config_path_},
                                          dir_.file("wedge.log"), env_);
}

void WedgeDaemon::restart() {
  process_->stop();
  process_ = std::make_unique<Subprocess>(std::vector<std::string>{wedge_binary(), "--config", config_path_},
                                          dir_.file("wedge.log"), env_);
}

std::string WedgeDaemon::config_text(const WedgeOptions& options) const {
  return "site: " + options.site + "\ngateway: " + options.gateway + "\nstate_dir: " + dir_.file("state") +
         "\nbroker:\n" + options.broker + "http:\n  listen: 127.0.0.1:" + std::to_string(http_port_) + "\n" +
         options.yaml;
}

void WedgeDaemon::write_config(const WedgeOptions& options) const { write_file(config_path_, config_text(options)); }

HttpReply WedgeDaemon::get(const std::string& target) const { return http_request(http_port_, "GET", target); }

HttpReply WedgeDaemon::post_json(const std::string& target, const std::string& json) const {
  return http_request(http_port_, "POST", target, "Content-Type: application/json\r\n", json);
}

HttpReply WedgeDaemon::scan(const std::string& station, const std::string& code) const {
  return post_json("/api/v1/stations/" + station + "/scan", R"({"code":")" + code + R"("})");
}

}  // namespace wedge::test
