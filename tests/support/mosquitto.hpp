// A real mosquitto broker for integration tests, on a free loopback port.
//
// The constructor writes a config into its own temporary directory (persistence on, no limit on
// queued messages, logging to the captured output), starts /usr/sbin/mosquitto and polls until it
// accepts TCP connections. stop() ends it with SIGTERM, so it saves its persistence file; start()
// brings it back on the same port with the same config and persistence. The broker's log is
// printed to stderr when the test has failed. make_test_pki() creates a CA, a server certificate
// for localhost/127.0.0.1 and a client certificate with openssl.
// Used from the test's main thread only.
#pragma once

#include "tests/support/process.hpp"

#include <memory>
#include <string>

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

  void start();  // throws std::runtime_error with the log if it does not accept within 10 s
  void stop();   // SIGTERM (saves persistence) and wait
  // Sends `sig` to the running broker: SIGSTOP freezes it (its connections stay open and the kernel
  // still completes new TCP handshakes, but nothing answers), SIGCONT wakes it.
  void signal(int sig);
  bool running() const { return process_ != nullptr; }
  std::string log() const;
  const std::string& dir() const { return dir_.path(); }

 private:
  MosquittoOptions options_;
  TempDir dir_;
  int port_ = 0;
  std::string config_path_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace wedge::test
