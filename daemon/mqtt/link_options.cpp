#include "daemon/mqtt/link_options.hpp"

#include "daemon/mqtt/broker_uri.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include <fstream>

namespace wedge::mqtt {

std::string LinkOptions::effective_client_id() const {
  if (!client_id.empty()) return client_id;
  return fmt::format("wedge-{}-{}", site, gateway);
}

bool LinkOptions::use_tls() const {
  const auto uri = parse_broker_uri(broker_uri);
  return uri && uri->tls;
}

namespace {

bool valid_topic_level(const std::string& level) {
  if (level.empty()) return false;
  return level.find_first_of("/+#") == std::string::npos && level.front() != '$';
}

}  // namespace

std::vector<std::string> validate(const LinkOptions& o) {
  std::vector<std::string> errors;
  if (std::string error; !parse_broker_uri(o.broker_uri, &error)) errors.push_back("mqtt.broker.uri: " + error);
  if (o.mqtt_version != "5" && o.mqtt_version != "3.1.1") {
    errors.push_back(fmt::format("mqtt.mqtt_version: expected \"5\" or \"3.1.1\", got '{}'", o.mqtt_version));
  }
  if (o.topic_prefix.empty() || o.topic_prefix.front() == '/' || o.topic_prefix.back() == '/' ||
      o.topic_prefix.find_first_of("+#") != std::string::npos || o.topic_prefix.front() == '$') {
    errors.push_back(fmt::format(
        "mqtt.topic_prefix: expected topic levels without leading/trailing '/', '+', '#' or '$', got '{}'",
        o.topic_prefix));
  }
  if (!valid_topic_level(o.site)) {
    errors.push_back(fmt::format("site: expected one topic level without '/', '+', '#', got '{}'", o.site));
  }
  if (!valid_topic_level(o.gateway)) {
    errors.push_back(fmt::format("gateway: expected one topic level without '/', '+', '#', got '{}'", o.gateway));
  }
  if (o.cert_file.empty() != o.key_file.empty()) {
    errors.push_back("mqtt.cert_file / mqtt.key_file: give both or neither");
  }
  if (!o.use_tls() && (!o.ca_file.empty() || !o.cert_file.empty())) {
    errors.push_back("mqtt.ca_file / mqtt.cert_file: TLS files need an mqtts:// broker.uri");
  }
  return errors;
}

CredentialsResult load_credentials(const std::string& path) {
  CredentialsResult result;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    result.error = fmt::format("credentials file {}: cannot be read", path);
    return result;
  }
  if (!S_ISREG(st.st_mode)) {
    result.error = fmt::format("credentials file {}: not a regular file", path);
    return result;
  }
  if ((st.st_mode & 077) != 0) {
    result.error = fmt::format(
        "credentials file {}: permissions {:04o} are too open; it must not be readable or writable by "
        "group or others (chmod 600)",
        path, st.st_mode & 07777);
    return result;
  }
  std::ifstream in(path);
  if (!in) {
    result.error = fmt::format("credentials file {}: cannot be read", path);
    return result;
  }
  Credentials credentials;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    const std::string key = line.substr(0, eq);
    if (eq != std::string::npos && key == "username") {
      credentials.username = line.substr(eq + 1);
    } else if (eq != std::string::npos && key == "password") {
      credentials.password = line.substr(eq + 1);
    } else {
      // The line may hold the secret: name the line, never echo it.
      result.error = fmt::format("credentials file {}:{}: expected username=... or password=...", path, line_no);
      return result;
    }
  }
  if (credentials.username.empty()) {
    result.error = fmt::format("credentials file {}: no username= line", path);
    return result;
  }
  result.credentials = std::move(credentials);
  return result;
}

}  // namespace wedge::mqtt
