// libFuzzer target: OMS commands as they come off the command topic (parse_command) and the reply
// the gateway publishes for them (reply_json). The first byte picks the topic's command type
// (the known ones, an unknown one, or none); the rest is the payload. Properties (abort on
// violation): an accepted command has an id and a known type that agrees with the topic, and its
// stored "data" is a JSON object; a rejection has a sentence; every reply is valid JSON (UTF-8
// included) whose "command_id" is the id that was read.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/commands/command.hpp"

namespace {

using namespace wedge::commands;
namespace json = boost::json;

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::string_view kTopicTypes[] = {"pick_list",     "order.cancel", "order.hold", "order.release",
                                            "order.update",  "rebirth",      "",           "order.explode",
                                            "pick_list/sub"};
constexpr std::size_t kMaxBytes = 64 * 1024;

json::value parse_reply(const Reply& reply) {
  boost::system::error_code ec;
  auto value = json::parse(reply_json(reply, 7, 1'750'000'000'000), ec);
  check(!ec && value.is_object());
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto topic_type = kTopicTypes[data[0] % std::size(kTopicTypes)];
  const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);

  const auto parsed = parse_command(topic_type, payload, kMaxBytes);
  if (parsed) {
    const auto& command = *parsed;
    check(!command.id.empty() && to_string(command.type) == topic_type);
    check(command.payload == payload);
    boost::system::error_code ec;
    check(json::parse(command.data_json, ec).is_object() && !ec);
    const auto reply = parse_reply(accepted_reply(command, false));
    check(reply.at("command_id") == json::value(command.id));
  } else {
    check(!parsed.error().reason.empty());
    const auto reply = parse_reply(rejected_reply(parsed.error()));
    if (!parsed.error().command_id.empty()) check(reply.at("command_id") == json::value(parsed.error().command_id));
  }
  return 0;
}
