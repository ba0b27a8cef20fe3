#include "tests/integration/http/server_fixture.hpp"

#include <algorithm>
#include <stdexcept>

namespace wedge::test {

http::GatewayView FakeGateway::view() {
  http::GatewayView v;
  v.status = [this] { return status; };
  v.devices = [this] { return devices; };
  v.stations = [this] { return stations; };
  v.station = [this](const std::string& id) -> std::optional<json::value> {
    for (const auto& s : stations.as_array())
      if (s.as_object().at("id").as_string() == id) return s;
    return std::nullopt;
  };
  v.kpi_trend = [this](const std::string& station) -> std::optional<json::value> {
    const auto& list = stations.as_array();
    const bool known = std::any_of(list.begin(), list.end(),
                                   [&](const json::value& s) { return s.as_object().at("id").as_string() == station; });
    if (!station.empty() && !known) return std::nullopt;
    return json::value(json::object{{"station", station}, {"bucket_s", 600}, {"kpis", json::array{}}});
  };
  v.outbox = [this] { return outbox; };
  v.metrics = [this] { return metrics; };
  v.health = [this] { return health; };
  auto known = [this](const std::string& id) {
    for (const auto& s : stations.as_array())
      if (s.as_object().at("id").as_string() == id) return true;
    return false;
  };
  auto unknown_station = [](const std::string& id) {
    return http::ActionResult{404, json::object{{"error", "no station '" + id + "'"}}};
  };
  v.scan = [this, known, unknown_station](const http::ScanRequest& request, http::Reply reply) {
    if (!known(request.station)) return reply(unknown_station(request.station));
    scans.push_back(request);
    if (hold_replies) return held.push_back(std::move(reply));
    // The daemon's answers (docs/http-api.md, "Actions"): BAD is refused, WARN taken with a
    // warning, SLOW still without a verdict, anything else accepted.
    json::object result;
    unsigned http_status = 200;
    if (request.code == "BAD") {
      http_status = 409;
      result = {{"result", "refused"}, {"reason", "wrong item"}};
    } else if (request.code == "WARN") {
      result = {{"result", "attention"}, {"reason", "Accepted, but check the scanner's GS setting."}};
    } else if (request.code == "SLOW") {
      http_status = 202;
      result = {{"result", "pending"}, {"reason", "no verdict within 2000 ms"}};
    } else {
      result = {{"result", "accepted"}, {"code", request.code}};
    }
    if (on_scan_result) on_scan_result(request.station, result);
    reply({http_status, result});
  };
  v.declare_short = [this, known, unknown_station](const http::ShortRequest& request, http::Reply reply) {
    if (!known(request.station)) return reply(unknown_station(request.station));
    shorts.push_back(request);
    reply({200, json::object{{"result", "accepted"}, {"short", request.line}}});
  };
  v.next_order = [this, known, unknown_station](const std::string& station, http::Reply reply) {
    if (!known(station)) return reply(unknown_station(station));
    nexts.push_back(station);
    reply({200, json::object{{"result", "accepted"}}});
  };
  v.reprint_label = [this, known, unknown_station](const std::string& station, http::Reply reply) {
    if (!known(station)) return reply(unknown_station(station));
    reprints.push_back(station);
    reply({202, json::object{{"result", "printing"}}});
  };
  v.print_test = [this](const std::string& printer, http::Reply reply) {
    if (printer != "P1") return reply({404, json::object{{"error", "no printer '" + printer + "'"}}});
    print_tests.push_back(printer);
    if (hold_replies) return held.push_back(std::move(reply));
    reply({200, json::object{{"result", "printed"}, {"printer", printer}}});
  };
  return v;
}

http::Options ServerFixture::default_options() {
  http::Options options;
  options.listen = {"127.0.0.1", 0};
  return options;
}

ServerFixture::ServerFixture(http::Options options) : guard_(io_.get_executor()) {
  server_ = std::make_unique<http::HttpServer>(io_.get_executor(), std::move(options), gateway_.view());
  auto started = server_->start();
  if (!started) throw std::runtime_error(started.reason());
  port_ = server_->port();
  thread_ = std::thread([this] { io_.run(); });
}

ServerFixture::~ServerFixture() {
  on_loop([this] { server_.reset(); });
  guard_.reset();
  io_.stop();
  thread_.join();
}

void ServerFixture::on_loop(const std::function<void()>& fn) {
  std::promise<void> done;
  boost::asio::post(io_, [&] {
    fn();
    done.set_value();
  });
  done.get_future().wait();
}

void ServerFixture::publish(const std::string& topic, const json::value& data) {
  on_loop([&] { server_->publish(topic, data); });
}

http::ServerCounters ServerFixture::counters() {
  http::ServerCounters copy;
  on_loop([&] { copy = server_->counters(); });
  return copy;
}

std::size_t ServerFixture::event_clients() {
  std::size_t count = 0;
  on_loop([&] { count = server_->event_clients(); });
  return count;
}

}  // namespace wedge::test
