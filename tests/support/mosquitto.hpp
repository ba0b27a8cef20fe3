// A real mosquitto broker for integration tests, on a free loopback port.
//
// The constructor writes a config into its own temporary directory (persistence on, no limit on
// queued messages, logging to the captured output; with log_packets every packet it sends or
// receives is a line of that log, so a test can wait for the broker's side of an exchange, e.g. a
// PUBACK, instead of sleeping), starts /usr/sbin/mosquitto and polls until it says it runs and
// accepts TCP connections. The port was free a moment before (free_tcp_port()), but a peer of a
// test running beside this one may take it first: then mosquitto exits with "Address already in
// use" and the first start tries again on a new port, up to kStartAttempts times. stop() ends it
// with SIGTERM, so it saves its persistence file; start() brings it back on the same port with the
// same config and persistence. The broker's log is
// printed to stderr when the test has failed. make_test_pki() creates a CA, a server certificate
// for localhost/127.0.0.1 and a client certificate with openssl.
// Used from the test's main thread only.
#pragma once

#include "tests/support/process.hpp"

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace wedge::test {

struct TestPki {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};

// Writes the files into `dir`; throws std::runtime_error (with openssl's output) on failure.
TestPki make_test_pki(const std::string& dir);

struct MosquittoOptions {
  bool tls = false;           // listener speaks TLS only (needs pki)
  TestPki pki;                // with tls: server cert + CA; client certificates are required
  std::string extra_config;   // appended to the generated config
  // log_type debug: a line per packet, "Sending PUBLISH to <client> (d0, q1, r0, m1, '<topic>', …"
  // and "Received PUBACK from <client> (Mid: 1, RC:0)".
  bool log_packets = false;
  // The port to try first; 0 picks a free one. (The retry test names a port it holds itself.)
  int first_port = 0;
};

class Mosquitto {
 public:
  explicit Mosquitto(MosquittoOptions options = {});
  ~Mosquitto();
  Mosquitto(const Mosquitto&) = delete;
  Mosquitto& operator=(const Mosquitto&) = delete;

  int port() const { return port_; }
  // mqtt://127.0.0.1:<port>, or mqtts://localhost:<port> for TLS (the name the certificate carries).
  std::string uri() const;
  // Paho-style URI for test clients: tcp://127.0.0.1:<port> or ssl://localhost:<port>.
  std::string paho_uri() const;

  static constexpr int kStartAttempts = 5;

  // Throws std::runtime_error with the log if it does not run and accept (a restart cannot move).
  void start();
  void stop();   // SIGTERM (saves persistence) and wait
  // Sends `sig` to the running broker: SIGSTOP freezes it (its connections stay open and the kernel
  // still completes new TCP handshakes, but nothing answers), SIGCONT wakes it.
  void signal(int sig);
  bool running() const { return process_ != nullptr; }
  std::string log() const;
  // How many lines of log() contain every one of `parts`, e.g. {"Received PUBACK from ", client}.
  std::size_t log_lines(std::initializer_list<std::string_view> parts) const;
  const std::string& dir() const { return dir_.path(); }

 private:
  void write_config();
  // One start on port_: true once it runs and accepts, false when it exited because the port is taken.
  bool launch();

  MosquittoOptions options_;
  TempDir dir_;
  int port_ = 0;
  bool started_ = false;  // once started, the port is the broker's address and stays
  std::string config_path_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace wedge::test
