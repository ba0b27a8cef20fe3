// Settings of the MQTT link to the OMS, and the credentials-file check.
//
// LinkOptions holds exactly the `broker:` config keys (the config layer maps YAML onto it). Their
// ranges (keepalive_s, timeouts, reconnect delays, inflight_window, …) are the config schema's
// (daemon/config/schema.cpp, broker_schema()), checked there once and trusted here; validate()
// reports, one sentence per key, what the link itself needs beyond them: a broker URI it can
// parse (broker_uri.hpp) for every node, all of one scheme, a known protocol version, topic levels, TLS files that go together. load_credentials() refuses a credentials file that
// group or others may read or write, as ssh refuses a private key: the password must not leak
// through a world-readable file; tls_file_problems() refuses a private key file the same way.
// Functions of their arguments and the files they name; any thread.
#pragma once

#include "daemon/core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wedge::mqtt {

struct LinkOptions {
  std::string broker_uri = "mqtt://127.0.0.1:1883";  // mqtt://host:port or mqtts://host:port (broker_uri.hpp)
  std::vector<std::string> broker_uris;               // broker.uris, in order; when set, broker_uri is unused
  std::string client_id;                              // empty: "wedge-<site>-<gateway>"
  std::string mqtt_version = "5";                     // "5" or "3.1.1"
  int keepalive_s = 30;
  std::int64_t session_expiry_s = 7 * 24 * 3600;      // MQTT 5 only; must be > 0
  int connect_timeout_s = 10;
  int reconnect_min_ms = 500;
  int reconnect_max_ms = 30'000;
  int inflight_window = 64;                           // unacknowledged publishes at most
  std::string topic_prefix = "wedge/v1";
  std::string ca_file;                                // mqtts: trust store (PEM); empty = system CAs
  std::string cert_file;                              // optional client certificate (PEM)
  std::string key_file;                               // its private key (PEM)
  std::string credentials_file;                       // optional `username=` / `password=` lines
  std::size_t max_command_bytes = 256 * 1024;
  double replay_rate_per_s = 0;                       // 0 = replay after an outage is not paced
  int replay_burst = 100;
  std::string site;
  std::string gateway;
  std::string state_dir;                              // session counter and command store live here
  std::string version = "0.1.0";                      // daemon version, sent in the birth message

  std::string effective_client_id() const;
  // The nodes both connections rotate through (broker_nodes.hpp): broker_uris, or broker_uri alone.
  std::vector<std::string> broker_nodes() const;
  bool use_mqtt5() const { return mqtt_version == "5"; }
  bool use_tls() const;
};

// Every problem with `options`, one sentence each ("mqtt.mqtt_version: expected \"5\" or \"3.1.1\",
// got '4'"); empty when valid.
std::vector<std::string> validate(const LinkOptions& options);

struct Credentials {
  std::string username;
  std::string password;
};

// Reads `path` (lines `username=...`, `password=...`, blank lines and `#` comments allowed). Fails
// if the file is missing, is not a regular file, is readable or writable by group or others
// (mode & 077; not checked for a file directly in $CREDENTIALS_DIRECTORY, systemd's private copy of
// a LoadCredential= file: failed_precondition), cannot be read (unavailable), or lacks a username or
// a (non-empty) password or has another line (invalid_argument). The reason never holds the secret.
core::Result<Credentials> load_credentials(const std::string& path);

// Every problem with the TLS files: each named file must be readable and hold what its key says
// (PEM CA certificates, a PEM certificate chain, the PEM private key of that certificate), and the
// private key must not be readable or writable by group or others (mode & 077), as for the
// credentials file. Empty when fine or without TLS files.
std::vector<std::string> tls_file_problems(const LinkOptions& options);

// Everything the link checks before it starts: validate(), a state_dir, tls_file_problems() and
// load_credentials(). The Link constructor refuses to start on any of them, and `wedge
// --check-config` reports the same list (daemon/startup_checks.hpp).
std::vector<std::string> startup_problems(const LinkOptions& options);

}  // namespace wedge::mqtt
