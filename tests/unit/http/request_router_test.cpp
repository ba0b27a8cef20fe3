// The router without sockets: failure paths that are awkward to reach over TCP.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <stdexcept>

#include "daemon/http/request_router.hpp"

namespace wedge::http {
namespace {

namespace json = boost::json;

Outcome call(const RequestRouter& router, Request request) {
  std::optional<Outcome> result;
  router.handle(request, [&](Outcome outcome) { result = std::move(outcome); });
  EXPECT_TRUE(result) << request.method << " " << request.target;
  return result ? std::move(*result) : Outcome{};
}

Request get(std::string target) { return Request{"GET", std::move(target), "", "", "", "127.0.0.1", ""}; }

TEST(RequestRouter, UnsetProviderFunctionsAnswer501) {
  GatewayView view;
  Options options;
  RequestRouter router(view, options, nullptr);
  for (const char* target : {"/api/v1/status", "/api/v1/devices", "/api/v1/stations",
                             "/api/v1/stations/S1", "/api/v1/outbox"})
    EXPECT_EQ(call(router, get(target)).response.status, 501u) << target;
  EXPECT_EQ(call(router, Request{"POST", "/api/v1/stations/S1/next", "", "", "", "127.0.0.1", ""})
                .response.status, 501u);
  // Unset health counts as healthy; unset metrics still carry nothing but are served.
  EXPECT_EQ(call(router, get("/healthz")).response.status, 200u);
  EXPECT_EQ(call(router, get("/metrics")).response.status, 200u);
}

TEST(RequestRouter, AThrowingProviderGets500AndTheRouterCarriesOn) {
  GatewayView view;
  view.status = []() -> json::value { throw std::runtime_error("boom"); };
  view.next_order = [](const std::string&, Reply) { throw std::runtime_error("boom"); };
  view.reprint_label = [](const std::string&, Reply reply) { reply({42, json::object{}}); };
  Options options;
  RequestRouter router(view, options, nullptr);
  auto status = call(router, get("/api/v1/status"));
  EXPECT_EQ(status.response.status, 500u);
  EXPECT_EQ(json::parse(status.response.body).at("error"), "internal error");
  EXPECT_EQ(call(router, Request{"POST", "/api/v1/stations/S1/next", "", "", "", "127.0.0.1", ""})
                .response.status, 500u);
  EXPECT_EQ(call(router, Request{"POST", "/api/v1/stations/S1/reprint", "", "", "", "127.0.0.1", ""})
                .response.status, 500u);
}

TEST(RequestRouter, TheNewParcelButtonReachesItsProvider) {
  GatewayView view;
  Options options;
  RequestRouter unset(view, options, nullptr);
  const Request press{"POST", "/api/v1/stations/S1/parcel", "", "", "", "127.0.0.1", ""};
  EXPECT_EQ(call(unset, press).response.status, 501u);
  std::string pressed_at;
  view.new_parcel = [&pressed_at](const std::string& station, Reply reply) {
    pressed_at = station;
    reply({202, json::object{{"result", "accepted"}}});
  };
  RequestRouter router(view, options, nullptr);
  EXPECT_EQ(call(router, press).response.status, 202u);
  EXPECT_EQ(pressed_at, "S1");
}

TEST(RequestRouter, EventsSubscriptionsAreParsedAndChecked) {
  GatewayView view;
  Options options;
  RequestRouter router(view, options, nullptr);
  auto all = call(router, get("/events"));
  ASSERT_TRUE(all.stream_topics);
  EXPECT_EQ(*all.stream_topics, (std::vector<std::string>{"status", "devices", "outbox", "station/*"}));
  auto some = call(router, get("/events?topics=station/S1,status"));
  ASSERT_TRUE(some.stream_topics);
  EXPECT_EQ(*some.stream_topics, (std::vector<std::string>{"station/S1", "status"}));
  EXPECT_EQ(call(router, get("/events?topics=status,")).response.status, 400u);
  EXPECT_EQ(call(router, get("/events?topics=orders")).response.status, 400u);
}

// Found by http_request_fuzz: the refusal of an unknown topic quoted it as decoded, so a %-escape
// that is not UTF-8 made the JSON answer invalid, and a strict client could not read the error.
TEST(RequestRouter, AnUnknownTopicThatIsNotUtf8IsRefusedInValidJson) {
  GatewayView view;
  Options options;
  RequestRouter router(view, options, nullptr);
  for (const char* target : {"/events?topics=%FF", "/events?topics=station/%C3%28", "/events?topics=a%00b"}) {
    auto refused = call(router, get(target));
    EXPECT_EQ(refused.response.status, 400u) << target;
    boost::system::error_code ec;
    auto body = json::parse(refused.response.body, ec);
    ASSERT_FALSE(ec) << target << ": " << refused.response.body;
    EXPECT_EQ(body.at("error").as_string().find("unknown topic"), 0u) << target;
  }
}

TEST(RequestRouter, TokenComparisonNeedsTheWholeToken) {
  GatewayView view;
  view.status = [] { return json::value(json::object{}); };
  Options options;
  options.access_token = "abcdefghijklmnop";
  RequestRouter router(view, options, nullptr);
  auto with = [&](std::string authorization) {
    Request request = get("/api/v1/status");
    request.authorization = std::move(authorization);
    return call(router, request).response.status;
  };
  EXPECT_EQ(with("Bearer abcdefghijklmnop"), 200u);
  EXPECT_EQ(with("bearer abcdefghijklmnop"), 200u);
  EXPECT_EQ(with("Bearer abcdefghijklmno"), 401u);
  EXPECT_EQ(with("Bearer abcdefghijklmnopq"), 401u);
  EXPECT_EQ(with("Basic abcdefghijklmnop"), 401u);
  EXPECT_EQ(with("Bearer "), 401u);
  EXPECT_EQ(with(""), 401u);
}

}  // namespace
}  // namespace wedge::http
