#include "daemon/mqtt/link_options.hpp"

#include "daemon/mqtt/broker_uri.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string_view>

namespace wedge::mqtt {

std::string LinkOptions::effective_client_id() const {
  if (!client_id.empty()) return client_id;
  return fmt::format("wedge-{}-{}", site, gateway);
}

std::vector<std::string> LinkOptions::broker_nodes() const {
  return broker_uris.empty() ? std::vector<std::string>{broker_uri} : broker_uris;
}

bool LinkOptions::use_tls() const {
  const auto uri = parse_broker_uri(broker_nodes().front());
  return uri && uri->tls;
}

namespace {

bool valid_topic_level(const std::string& level) {
  if (level.empty()) return false;
  return level.find_first_of("/+#") == std::string::npos && level.front() != '$';
}

// True for systemd's copy of a LoadCredential= file: $CREDENTIALS_DIRECTORY is the service's alone
// (systemd.exec(5), "Credentials"), and systemd may grant the service user access with an ACL,
// whose mask shows as group bits. The mode check is for the files a site manages itself.
bool in_credentials_directory(const std::string& path) {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return false;
  std::filesystem::path normal = std::filesystem::path(dir).lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();  // "/run/credentials/wedge.service/"
  return std::filesystem::path(path).lexically_normal().parent_path() == normal;
}

// A file that holds a secret (password, private key) must be a regular file that only its owner
// may read or write: what group or others can read may leak.
std::optional<std::string> secret_file_problem(std::string_view what, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fmt::format("{} {}: cannot be read", what, path);
  if (!S_ISREG(st.st_mode)) return fmt::format("{} {}: not a regular file", what, path);
  if ((st.st_mode & 077) != 0 && !in_credentials_directory(path))
    return fmt::format(
        "{} {}: permissions {:04o} are too open; it must not be readable or writable by group or others "
        "(chmod 600)",
        what, path, st.st_mode & 07777);
  if (::access(path.c_str(), R_OK) != 0) return fmt::format("{} {}: cannot be read: {}", what, path, std::strerror(errno));
  return std::nullopt;
}

// Loads the TLS files into an OpenSSL context as the connections will, so that a file that is not
// what its key says fails here, at start-up, with the key's name.
void check_tls_contents(const LinkOptions& o, std::vector<std::string>& problems) {
  const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) {
    problems.push_back("broker TLS: OpenSSL could not make a context");
    return;
  }
  if (!o.ca_file.empty() && SSL_CTX_load_verify_locations(ctx.get(), o.ca_file.c_str(), nullptr) != 1)
    problems.push_back(fmt::format("broker.ca_file {}: holds no PEM CA certificate", o.ca_file));
  if (o.cert_file.empty() || o.key_file.empty()) return;
  // The key first: loaded after the certificate, a key that does not match it fails to load at
  // all, and the message could not tell "not a key" from "another certificate's key".
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), o.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    problems.push_back(fmt::format("broker.key_file {}: holds no PEM private key (or a protected one)", o.key_file));
    return;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), o.cert_file.c_str()) != 1)
    problems.push_back(fmt::format("broker.cert_file {}: holds no PEM certificate", o.cert_file));
  else if (SSL_CTX_check_private_key(ctx.get()) != 1)
    problems.push_back(fmt::format("broker.key_file {}: is not the key of broker.cert_file {}", o.key_file, o.cert_file));
}

}  // namespace

std::vector<std::string> tls_file_problems(const LinkOptions& o) {
  std::vector<std::string> problems;
  for (const auto& [key, file] : {std::pair{"broker.ca_file", &o.ca_file}, std::pair{"broker.cert_file", &o.cert_file}}) {
    if (!file->empty() && ::access(file->c_str(), R_OK) != 0)
      problems.push_back(fmt::format("{} {}: cannot be read: {}", key, *file, std::strerror(errno)));
  }
  if (!o.key_file.empty())
    if (auto problem = secret_file_problem("broker.key_file", o.key_file)) problems.push_back(*problem);
  ERR_clear_error();
  if (problems.empty()) check_tls_contents(o, problems);
  ERR_clear_error();  // what OpenSSL queued here must not show up in a connection's error later
  return problems;
}

std::vector<std::string> startup_problems(const LinkOptions& options) {
  auto problems = validate(options);
  if (options.state_dir.empty()) problems.push_back("mqtt: state_dir is required");
  for (auto& problem : tls_file_problems(options)) problems.push_back(std::move(problem));
  if (!options.credentials_file.empty()) {
    auto loaded = load_credentials(options.credentials_file);
    if (!loaded) problems.push_back(loaded.error().reason);
  }
  return problems;
}

std::vector<std::string> validate(const LinkOptions& o) {
  std::vector<std::string> errors;
  if (o.broker_uris.empty()) {
    if (auto uri = parse_broker_uri(o.broker_uri); !uri) errors.push_back("mqtt.broker.uri: " + uri.error().reason);
  }
  std::optional<bool> tls;  // of the first node that parses: the TLS settings serve every node
  for (std::size_t i = 0; i < o.broker_uris.size(); ++i) {
    const auto uri = parse_broker_uri(o.broker_uris[i]);
    if (!uri) errors.push_back(fmt::format("mqtt.broker.uris[{}]: {}", i, uri.error().reason));
    else if (!tls) tls = uri->tls;
    else if (*tls != uri->tls)
      errors.push_back(fmt::format("mqtt.broker.uris[{}]: all nodes need the same scheme (mqtt:// or mqtts://), got '{}'",
                                   i, o.broker_uris[i]));
  }
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

core::Result<Credentials> load_credentials(const std::string& path) {
  if (auto problem = secret_file_problem("credentials file", path))
    return core::fail(core::Errc::failed_precondition, std::move(*problem));
  std::ifstream in(path);
  if (!in) return core::fail(core::Errc::unavailable, fmt::format("credentials file {}: cannot be read", path));
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
      return core::fail(core::Errc::invalid_argument,
                        fmt::format("credentials file {}:{}: expected username=... or password=...", path, line_no));
    }
  }
  if (credentials.username.empty())
    return core::fail(core::Errc::invalid_argument, fmt::format("credentials file {}: no username= line", path));
  if (credentials.password.empty())
    return core::fail(core::Errc::invalid_argument,
                      fmt::format("credentials file {}: no password= line (or an empty password)", path));
  return credentials;
}

}  // namespace wedge::mqtt
