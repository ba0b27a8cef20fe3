#include "tests/support/mosquitto.hpp"

#include "tests/support/peer_start.hpp"

#include <pwd.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace wedge::test {

namespace {

constexpr const char* kMosquitto = "/usr/sbin/mosquitto";

void run_openssl(const std::string& dir, const std::string& script) {
  const std::string log = dir + "/openssl.log";
  const std::string command = "cd '" + dir + "' && (" + script + ") >>'" + log + "' 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("openssl failed:\n" + read_file(log));
  }
}

}  // namespace

TestPki make_test_pki(const std::string& dir) {
  // EC keys: generating RSA keys would cost the suite a second or two.
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  write_file(dir + "/server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  write_file(dir + "/client.ext", "extendedKeyUsage=clientAuth\n");
  run_openssl(dir,
              "openssl req -x509 " + key + " -keyout ca.key -out ca.crt -days 2 -subj /CN=wedge-test-ca && "
              "openssl req " + key + " -keyout server.key -out server.csr -subj /CN=localhost && "
              "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 "
              "-extfile server.ext && "
              "openssl req " + key + " -keyout client.key -out client.csr -subj /CN=wedge-test-client && "
              "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 "
              "-extfile client.ext && chmod 600 server.key client.key ca.key");
  return TestPki{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key", dir + "/client.crt", dir + "/client.key"};
}

Mosquitto::Mosquitto(MosquittoOptions options)
    : options_(std::move(options)), port_(options_.first_port != 0 ? options_.first_port : free_tcp_port()) {
  config_path_ = dir_.file("mosquitto.conf");
  start();
}

void Mosquitto::write_config() {
  std::string config;
  // Started as root, mosquitto drops to the user named here (default "mosquitto"), who could not
  // write the persistence file into our private temporary directory.
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr) config += std::string("user ") + pw->pw_name + "\n";
  config += "per_listener_settings false\n";
  config += "allow_anonymous true\n";
  config += "persistence true\n";
  config += "persistence_location " + dir_.path() + "/\n";
  config += "persistence_file mosquitto.db\n";
  config += "autosave_interval 0\n";          // save on shutdown only (SIGTERM)
  config += "max_queued_messages 0\n";        // no limit: subscribers may fall 10,000 messages behind
  config += "max_inflight_messages 100\n";
  config += "log_dest stderr\n";
  config += "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n";
  if (options_.log_packets) config += "log_type debug\n";
  config += "connection_messages true\n";
  config += "listener " + std::to_string(port_) + " 127.0.0.1\n";
  if (options_.tls) {
    config += "cafile " + options_.pki.ca_cert + "\n";
    config += "certfile " + options_.pki.server_cert + "\n";
    config += "keyfile " + options_.pki.server_key + "\n";
    config += "require_certificate true\n";
    config += "tls_version tlsv1.2\n";
  }
  config += options_.extra_config;
  write_file(config_path_, config);
}

Mosquitto::~Mosquitto() {
  stop();
  if (::testing::Test::HasFailure()) {
    std::cerr << "----- mosquitto log (port " << port_ << ") -----\n" << log() << "----- end of mosquitto log -----\n";
  }
}

std::string Mosquitto::uri() const {
  return options_.tls ? "mqtts://localhost:" + std::to_string(port_) : "mqtt://127.0.0.1:" + std::to_string(port_);
}

std::string Mosquitto::paho_uri() const {
  return options_.tls ? "ssl://localhost:" + std::to_string(port_) : "tcp://127.0.0.1:" + std::to_string(port_);
}

void Mosquitto::start() {
  if (process_) return;
  for (int attempt = 1;; ++attempt) {
    if (launch()) {
      started_ = true;
      return;
    }
    if (started_ || attempt == kStartAttempts)
      throw std::runtime_error("mosquitto found port " + std::to_string(port_) + " taken:\n" + log());
    port_ = free_tcp_port();
  }
}

bool Mosquitto::launch() {
  write_config();
  // Its log lives on across restarts: count the lines this start adds.
  const auto runs = log_lines({"mosquitto version", " running"});
  const auto taken = log_lines({"Address already in use"});
  process_ = std::make_unique<Subprocess>(std::vector<std::string>{kMosquitto, "-c", config_path_},
                                          dir_.file("mosquitto.log"));
  // "running" comes after the listener is bound; until then another process may hold the port.
  const auto ready = [&] { return log_lines({"mosquitto version", " running"}) > runs && tcp_port_open(port_); };
  if (wait_until_started(*process_, ready)) return true;
  process_.reset();
  if (log_lines({"Address already in use"}) > taken) return false;
  throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_) + ":\n" + log());
}

void Mosquitto::stop() {
  if (!process_) return;
  process_->stop(std::chrono::seconds(10));
  process_.reset();
}

void Mosquitto::signal(int sig) {
  if (process_) process_->signal(sig);
}

std::string Mosquitto::log() const { return read_file(dir_.file("mosquitto.log")); }

std::size_t Mosquitto::log_lines(std::initializer_list<std::string_view> parts) const {
  std::istringstream lines(log());
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) {
    bool all = true;
    for (const auto part : parts) all = all && line.find(part) != std::string::npos;
    if (all) ++count;
  }
  return count;
}

}  // namespace wedge::test
