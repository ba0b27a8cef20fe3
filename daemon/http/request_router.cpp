#include "daemon/http/request_router.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "daemon/core/ascii.hpp"
#include "daemon/http/host_check.hpp"
#include "daemon/http/prometheus_process.hpp"
#include "daemon/http/static_assets.hpp"

namespace wedge::http {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCodeBytes = 1024;
constexpr std::size_t kMaxLineBytes = 128;
constexpr std::size_t kMaxTopics = 16;
constexpr int kMaxShortQty = 1000000;

// Pages carry the token in their URL: never send it on as a Referer, and run only our own code.
const std::vector<std::pair<std::string, std::string>> kPageHeaders = {
    {"Cache-Control", "no-store"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Content-Type-Options", "nosniff"},
    {"Content-Security-Policy",
     "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"},
};

Response json_response(unsigned status, const json::value& body) {
  Response response;
  response.status = status;
  response.body = json::serialize(body.is_null() ? json::value(json::object{}) : body);
  response.body += '\n';
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Outcome outcome(Response response) { return Outcome{std::move(response), std::nullopt}; }

// Comparing in constant time: the loop must not leak how many leading characters were right.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char g = i < given.size() ? given[i] : '\0';
    diff |= static_cast<unsigned char>(g ^ expected[i]);
  }
  return diff == 0;
}

// What the client sent, quoted in an error: the names it may mean (topics, ids) are printable
// ASCII, and any other byte, such as a %-escape that is not UTF-8, would make the JSON answer
// invalid. Found by tests/fuzz/http_request_fuzz.cpp.
std::string quoted_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

bool is_json_content_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string media = core::lower_ascii(content_type.substr(0, semicolon));
  media.erase(std::remove(media.begin(), media.end(), ' '), media.end());
  return media == "application/json";
}

template <typename Fn>
Outcome guarded(const char* what, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    spdlog::error("http: {} failed: {}", what, e.what());
  } catch (...) {
    spdlog::error("http: {} failed with an unknown exception", what);
  }
  return outcome(json_error(500, "internal error"));
}

std::optional<json::object> parse_body(const Request& request, std::string* error) {
  if (request.body.empty()) return json::object{};
  json::parse_options parse_options;
  parse_options.max_depth = 16;
  boost::system::error_code ec;
  json::value value = json::parse(request.body, ec, {}, parse_options);
  if (ec) {
    *error = "body is not valid JSON: " + ec.message();
    return std::nullopt;
  }
  if (!value.is_object()) {
    *error = "body must be a JSON object";
    return std::nullopt;
  }
  return std::move(value.as_object());
}

}  // namespace

struct RequestRouter::Target {
  std::vector<std::string> segments;  // decoded path segments; "/" has none
  std::map<std::string, std::string> query;

  bool is(std::initializer_list<std::string_view> path) const {
    return segments.size() == path.size() && std::equal(path.begin(), path.end(), segments.begin());
  }
  std::string query_value(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  }
};

Response json_error(unsigned status, const std::string& message) {
  return json_response(status, json::object{{"error", message}});
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == '-';
  });
}

bool valid_topic(std::string_view topic) {
  if (topic == "status" || topic == "devices" || topic == "outbox" || topic == "station/*")
    return true;
  constexpr std::string_view kStation = "station/";
  return topic.substr(0, kStation.size()) == kStation && valid_id(topic.substr(kStation.size()));
}

RequestRouter::RequestRouter(const GatewayView& view, const Options& options,
                             ServerMetrics server_metrics)
    : view_(view), options_(options), server_metrics_(std::move(server_metrics)) {}

void RequestRouter::handle(const Request& request, Done done) const {
  if (auto refused = refuse_host(request, options_)) return done(outcome(std::move(*refused)));
  auto parsed = boost::urls::parse_origin_form(request.target);
  if (!parsed) {
    done(outcome(json_error(400, "bad request target")));
    return;
  }
  Target target;
  for (auto segment : parsed->segments()) target.segments.push_back(std::string(segment));
  // "/api/v1/status/" is the same resource as "/api/v1/status".
  if (!target.segments.empty() && target.segments.back().empty()) target.segments.pop_back();
  for (auto param : parsed->params()) target.query.emplace(param.key, param.value);
  route(request, target, done);
}

bool RequestRouter::authorized(const Request& request, const Target& target,
                               bool allow_query_token) const {
  if (options_.access_token.empty()) return true;
  constexpr std::string_view kBearer = "bearer ";
  if (request.authorization.size() > kBearer.size() &&
      core::lower_ascii(request.authorization.substr(0, kBearer.size())) == kBearer) {
    std::string_view given(request.authorization);
    given.remove_prefix(kBearer.size());
    while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
    if (same_secret(given, options_.access_token)) return true;
  }
  return allow_query_token && same_secret(target.query_value("token"), options_.access_token);
}

void RequestRouter::route(const Request& request, const Target& target, Done& done) const {
  const auto& s = target.segments;
  const bool get = request.method == "GET";
  auto method_not_allowed = [&](const char* allow) {
    auto response = json_error(405, std::string("method not allowed; use ") + allow);
    response.headers.emplace_back("Allow", allow);
    done(outcome(std::move(response)));
  };
  auto unauthorized = [&] {
    auto response = json_error(401, "missing or wrong access token");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"wedge\"");
    done(outcome(std::move(response)));
  };

  if (target.is({"healthz"})) {
    if (!get) return method_not_allowed("GET");
    return done(healthz());
  }
  if (s.size() == 2 && s[0] == "static") {
    if (!get) return method_not_allowed("GET");
    auto asset = find_static_asset(s[1]);
    if (!asset || s[1].ends_with(".html")) return done(outcome(json_error(404, "not found")));
    Response response;
    response.content_type = std::string(asset->content_type);
    response.body = std::string(asset->bytes);
    response.headers = {{"Cache-Control", "no-cache"}, {"X-Content-Type-Options", "nosniff"}};
    return done(outcome(std::move(response)));
  }

  const bool page = s.empty() || (s.size() == 2 && s[0] == "stations");
  const bool events = target.is({"events"});
  if (page || events) {
    if (!get) return method_not_allowed("GET");
    if (!authorized(request, target, true)) return unauthorized();
    if (events) {
      std::vector<std::string> topics;
      const std::string list = target.query_value("topics");
      if (list.empty()) {
        topics = {"status", "devices", "outbox", "station/*"};
      } else {
        std::size_t start = 0;
        while (start <= list.size()) {
          const auto comma = std::min(list.find(',', start), list.size());
          topics.push_back(list.substr(start, comma - start));
          start = comma + 1;
        }
      }
      if (topics.size() > kMaxTopics) return done(outcome(json_error(400, "too many topics")));
      for (const auto& topic : topics)
        if (!valid_topic(topic)) return done(outcome(json_error(400, "unknown topic '" + quoted_ascii(topic) + "'")));
      return done(Outcome{Response{}, std::move(topics)});
    }
    if (!s.empty() && !valid_id(s[1])) return done(outcome(json_error(400, "invalid station id")));
    // An unknown station is a 404 rather than a screen that never fills.
    if (!s.empty() && view_.station) {
      auto checked = guarded("station", [&] {
        if (view_.station(s[1])) return Outcome{};
        return outcome(json_error(404, "no station '" + s[1] + "'"));
      });
      if (checked.response.status != 200) return done(std::move(checked));
    }
    auto asset = find_static_asset(s.empty() ? "index.html" : "station.html");
    if (!asset) return done(outcome(json_error(500, "page missing from the build")));
    Response response;
    response.content_type = std::string(asset->content_type);
    response.body = std::string(asset->bytes);
    response.headers = kPageHeaders;
    return done(outcome(std::move(response)));
  }

  if (target.is({"metrics"})) {
    if (!get) return method_not_allowed("GET");
    if (!authorized(request, target, false)) return unauthorized();
    return done(metrics());
  }
  if (s.size() >= 2 && s[0] == "api" && s[1] == "v1") {
    if (!authorized(request, target, false)) return unauthorized();
    if (request.method == "POST") return route_action(request, target, done);
    if (!get) return method_not_allowed("GET, POST");
    return route_api(request, target, done);
  }
  done(outcome(json_error(404, "not found")));
}

void RequestRouter::route_api(const Request& request, const Target& target, Done& done) const {
  (void)request;
  const auto& s = target.segments;
  auto query = [&](const std::function<json::value()>& fn, const char* what) {
    if (!fn) return done(outcome(json_error(501, "not available")));
    done(guarded(what, [&] { return outcome(json_response(200, fn())); }));
  };
  if (target.is({"api", "v1", "status"})) return query(view_.status, "status");
  if (target.is({"api", "v1", "devices"})) return query(view_.devices, "devices");
  if (target.is({"api", "v1", "stations"})) return query(view_.stations, "stations");
  if (target.is({"api", "v1", "outbox"})) return query(view_.outbox, "outbox");
  if (target.is({"api", "v1", "kpis", "trend"})) {
    const std::string station = target.query_value("station");
    if (!station.empty() && !valid_id(station)) return done(outcome(json_error(400, "invalid station id")));
    if (!view_.kpi_trend) return done(outcome(json_error(501, "not available")));
    return done(guarded("kpi trend", [&] {
      auto trend = view_.kpi_trend(station);
      if (!trend) return outcome(json_error(404, "no station '" + station + "'"));
      return outcome(json_response(200, *trend));
    }));
  }
  if (s.size() == 4 && s[2] == "stations") {
    if (!valid_id(s[3])) return done(outcome(json_error(400, "invalid station id")));
    if (!view_.station) return done(outcome(json_error(501, "not available")));
    return done(guarded("station", [&] {
      auto snapshot = view_.station(s[3]);
      if (!snapshot) return outcome(json_error(404, "no station '" + s[3] + "'"));
      return outcome(json_response(200, *snapshot));
    }));
  }
  const bool action_path = (s.size() == 5 && s[2] == "stations") || (s.size() == 5 && s[2] == "printers") ||
                           target.is({"api", "v1", "reload"});
  if (action_path) {
    auto response = json_error(405, "method not allowed; use POST");
    response.headers.emplace_back("Allow", "POST");
    return done(outcome(std::move(response)));
  }
  done(outcome(json_error(404, "not found")));
}

void RequestRouter::route_action(const Request& request, const Target& target, Done& done) const {
  const auto& s = target.segments;
  const bool station_action = s.size() == 5 && s[2] == "stations";
  const bool printer_action = s.size() == 5 && s[2] == "printers" && s[4] == "test";
  const bool reload_action = target.is({"api", "v1", "reload"});
  if (!station_action && !printer_action && !reload_action) {
    const bool readable = target.is({"api", "v1", "status"}) || target.is({"api", "v1", "devices"}) ||
                          target.is({"api", "v1", "stations"}) || target.is({"api", "v1", "outbox"}) ||
                          target.is({"api", "v1", "kpis", "trend"}) ||
                          (s.size() == 4 && s[2] == "stations");
    if (!readable) return done(outcome(json_error(404, "not found")));
    auto response = json_error(405, "method not allowed; use GET");
    response.headers.emplace_back("Allow", "GET");
    return done(outcome(std::move(response)));
  }
  const std::string id = reload_action ? std::string() : s[3];
  const std::string verb = reload_action ? std::string("reload") : s[4];
  if (station_action && verb != "scan" && verb != "short" && verb != "next" && verb != "reprint" && verb != "parcel")
    return done(outcome(json_error(404, "not found")));
  // A browser always sends Origin on a cross-site POST; ours comes from the page served by this
  // gateway, so an origin that is not one of its names is a forged request (CSRF).
  if (!origin_allowed(request, options_))
    return done(outcome(json_error(403, "cross-origin request refused")));
  if (!request.body.empty() && !is_json_content_type(request.content_type))
    return done(outcome(json_error(415, "send the body as Content-Type: application/json")));
  if (!request.origin.empty() && !is_json_content_type(request.content_type))
    return done(outcome(json_error(415, "browsers must send Content-Type: application/json")));
  if (!reload_action && !valid_id(id))
    return done(outcome(json_error(400, printer_action ? "invalid printer id" : "invalid station id")));
  std::string error;
  auto body = parse_body(request, &error);
  if (!body) return done(outcome(json_error(400, error)));

  // The provider answers through this, now or later; the session ignores a second answer.
  Reply reply = [done](ActionResult result) {
    if (result.status < 200 || result.status > 599) {
      spdlog::error("http: action replied with invalid status {}", result.status);
      done(outcome(json_error(500, "internal error")));
      return;
    }
    done(outcome(json_response(result.status, result.body)));
  };
  auto invoke = [&](const char* what, const auto& fn, const auto& argument) {
    if (!fn) return done(outcome(json_error(501, "not available")));
    try {
      fn(argument, reply);
    } catch (const std::exception& e) {
      spdlog::error("http: {} failed: {}", what, e.what());
      done(outcome(json_error(500, "internal error")));
    }
  };

  if (reload_action) {
    if (!view_.reload) return done(outcome(json_error(501, "not available")));
    try {
      return view_.reload(reply);
    } catch (const std::exception& e) {
      spdlog::error("http: reload failed: {}", e.what());
      return done(outcome(json_error(500, "internal error")));
    }
  }
  if (printer_action) return invoke("print test", view_.print_test, id);
  if (verb == "next") return invoke("next order", view_.next_order, id);
  if (verb == "reprint") return invoke("reprint", view_.reprint_label, id);
  if (verb == "parcel") return invoke("new parcel", view_.new_parcel, id);
  if (verb == "scan") {
    const auto* code = body->if_contains("code");
    if (!code || !code->is_string())
      return done(outcome(json_error(400, "\"code\" must be a string")));
    const auto& text = code->as_string();
    if (text.empty() || text.size() > kMaxCodeBytes)
      return done(outcome(json_error(400, "\"code\" must be 1 to 1024 bytes")));
    return invoke("scan", view_.scan, ScanRequest{id, std::string(text), "http"});
  }
  // verb == "short"
  ShortRequest request_short{id, {}, {}, 0};
  const auto* line = body->if_contains("line");
  if (line && line->is_string() && !line->as_string().empty() &&
      line->as_string().size() <= kMaxLineBytes)
    request_short.line = std::string(line->as_string());
  else if (line && line->is_int64() && line->as_int64() >= 1)
    request_short.line = std::to_string(line->as_int64());
  else
    return done(outcome(json_error(400, "\"line\" must be a line number >= 1 or a line id string")));
  const auto* reason = body->if_contains("reason");
  if (!reason || !reason->is_string() ||
      (reason->as_string() != "missing" && reason->as_string() != "damaged"))
    return done(outcome(json_error(400, "\"reason\" must be \"missing\" or \"damaged\"")));
  request_short.reason = std::string(reason->as_string());
  if (const auto* qty = body->if_contains("qty")) {
    if (!qty->is_int64() || qty->as_int64() < 0 || qty->as_int64() > kMaxShortQty)
      return done(outcome(json_error(400, "\"qty\" must be an integer 0..1000000 (0 = all open)")));
    request_short.qty = static_cast<int>(qty->as_int64());
  }
  invoke("short", view_.declare_short, request_short);
}

Outcome RequestRouter::metrics() const {
  return guarded("metrics", [&] {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (view_.metrics) {
      response.body = view_.metrics();
      if (!response.body.empty() && response.body.back() != '\n') response.body += '\n';
    }
    PrometheusText own;
    if (server_metrics_) server_metrics_(own);
    append_process_metrics(own);
    response.body += own.text();
    response.headers.emplace_back("Cache-Control", "no-store");
    return outcome(std::move(response));
  });
}

Outcome RequestRouter::healthz() const {
  return guarded("health", [&] {
    const HealthReport report = view_.health ? view_.health() : HealthReport{};
    json::object body{{"status", report.healthy ? "ok" : "unhealthy"}};
    if (!report.healthy) body["reason"] = report.reason;
    if (!report.checks.empty()) body["checks"] = health_checks_json(report.checks);
    return outcome(json_response(report.healthy ? 200 : 503, std::move(body)));
  });
}

}  // namespace wedge::http
