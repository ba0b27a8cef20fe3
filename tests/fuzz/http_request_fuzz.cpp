// libFuzzer target: the HTTP API without sockets (RequestRouter::handle): request targets (path
// segments, %-escapes, query parameters), the access token, origin and content-type checks, and the
// JSON bodies of the actions (scan, short, next, reprint, printer test). The gateway behind it is a
// fake that answers at once.
//
// Input: byte 0 picks the method, content type, bearer token and origin; byte 1 the Host and
// whether the gateway has an access token; then lines: the target, the Origin, and the body (the
// rest). Properties (abort on violation): exactly one answer per request, before handle() returns;
// a status from 200 to 599; JSON answers are valid JSON (UTF-8 included); what reaches the gateway
// is what docs/http-api.md promises (valid ids, a code of 1 to 1024 bytes, a known short reason,
// a quantity in range); an event stream only with valid topics.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/http/gateway_view.hpp"
#include "daemon/http/http_options.hpp"
#include "daemon/http/request_router.hpp"

namespace {

using namespace wedge::http;
namespace json = boost::json;

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::string_view kToken = "fuzz-token-0123456789abcdef";
constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "post"};
constexpr std::string_view kContentTypes[] = {"application/json", "application/json; charset=utf-8",
                                              "text/plain", ""};
constexpr std::string_view kHosts[] = {"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "evil.example:8080"};

json::value snapshot(const std::string& id) { return json::object{{"id", id}, {"state", "idle"}}; }

ActionResult accepted(std::string_view what) { return {200, json::object{{"result", "accepted"}, {"action", what}}}; }

GatewayView make_view() {
  GatewayView view;
  view.status = [] { return json::value(json::object{{"version", "fuzz"}}); };
  view.devices = [] { return json::value(json::array{}); };
  view.stations = [] { return json::value(json::array{snapshot("S1")}); };
  view.station = [](const std::string& id) -> std::optional<json::value> {
    if (id != "S1") return std::nullopt;
    return snapshot(id);
  };
  view.outbox = [] { return json::value(json::object{{"depth", 0}}); };
  view.metrics = [] { return std::string("wedge_up 1\n"); };
  view.health = [] { return HealthReport{}; };
  view.scan = [](const ScanRequest& scan, Reply reply) {
    check(valid_id(scan.station) && !scan.code.empty() && scan.code.size() <= 1024);
    reply(scan.code == "refuse" ? ActionResult{409, json::object{{"result", "refused"}, {"reason", "wrong item"}}}
                                : accepted("scan"));
  };
  view.declare_short = [](const ShortRequest& request, Reply reply) {
    check(valid_id(request.station) && !request.line.empty());
    check(request.reason == "missing" || request.reason == "damaged");
    check(request.qty >= 0 && request.qty <= 1'000'000);
    reply(accepted("short"));
  };
  view.next_order = [](const std::string& station, Reply reply) {
    check(valid_id(station));
    reply(accepted("next"));
  };
  view.reprint_label = [](const std::string& station, Reply reply) {
    check(valid_id(station));
    reply(ActionResult{202, json::object{{"result", "queued"}}});
  };
  view.print_test = [](const std::string& printer, Reply reply) {
    check(valid_id(printer));
    reply(accepted("print"));
  };
  return view;
}

std::string_view take_line(std::string_view& rest) {
  const auto end = rest.find('\n');
  const auto line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const GatewayView kView = make_view();
  static const Options kOpen = [] {
    Options options;
    return options;
  }();
  static const Options kLocked = [] {
    Options options;
    options.access_token = std::string(kToken);
    return options;
  }();
  const std::uint8_t flags = data[0];
  const std::uint8_t more = data[1];
  const RequestRouter router(kView, (more & 0x80) != 0 ? kLocked : kOpen, nullptr);

  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  Request request;
  request.method = std::string(kMethods[flags & 7]);
  request.content_type = std::string(kContentTypes[(flags >> 3) & 3]);
  if ((flags & 0x20) != 0) request.authorization = "Bearer " + std::string(kToken);
  request.host = std::string(kHosts[more & 3]);
  request.target = std::string(take_line(rest));
  const auto origin = take_line(rest);
  if ((flags & 0x40) != 0) request.origin = std::string(origin);
  request.body = std::string(rest);

  int answers = 0;
  router.handle(request, [&answers](Outcome outcome) {
    ++answers;
    const auto& response = outcome.response;
    check(response.status >= 200 && response.status <= 599);
    // An accepted /events request is streamed instead of answered with `response`.
    if (!outcome.stream_topics && response.content_type == "application/json") {
      boost::system::error_code ec;
      (void)json::parse(response.body, ec);
      check(!ec);
    }
    if (outcome.stream_topics) {
      for (const auto& topic : *outcome.stream_topics) check(valid_topic(topic));
    }
  });
  check(answers == 1);
  return 0;
}
