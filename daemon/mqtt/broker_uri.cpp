#include "daemon/mqtt/broker_uri.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace wedge::mqtt {

namespace {

constexpr int kMqttPort = 1883;
constexpr int kMqttsPort = 8883;

}  // namespace

std::string BrokerUri::paho() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(tls ? "ssl://" : "tcp://") + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

core::Result<BrokerUri> parse_broker_uri(std::string_view text) {
  auto fail = [](std::string message) { return core::fail(core::Errc::invalid_argument, std::move(message)); };
  const auto expected = [&] {
    return fail("expected mqtt://host:port or mqtts://host:port, got '" + std::string(text) + "'");
  };
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return expected();
  const boost::urls::url_view& url = *parsed;
  if (url.scheme() != "mqtt" && url.scheme() != "mqtts") return expected();
  if (!url.has_authority() || url.has_userinfo() || url.has_query() || url.has_fragment() ||
      (url.encoded_path() != "" && url.encoded_path() != "/"))
    return expected();

  BrokerUri uri;
  uri.tls = url.scheme() == "mqtts";
  uri.host = url.host_address();
  if (uri.host.empty()) return fail("missing host in '" + std::string(text) + "'");
  uri.port = uri.tls ? kMqttsPort : kMqttPort;
  if (url.has_port()) {
    const std::string_view port = url.port();
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
      return fail("port '" + std::string(port) + "' out of range 1..65535");
    uri.port = value;
  }
  return uri;
}

}  // namespace wedge::mqtt
