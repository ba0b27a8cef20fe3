// Broker refusals reach the log in words on both broker connections (issue 17, item 6): before,
// the link logged "rc=5 reason=0" or "rc=-1 reason=0" and the command channel "code 135".
// Against a real mosquitto (password file, no anonymous login) and, for the codes mosquitto
// never sends, against a listener that answers every CONNECT with a chosen CONNACK. (An ACL that
// refuses the events' PUBLISH makes mosquitto 2.0.11 drop the connection rather than send PUBACK
// 135, so that wording is pinned by the RefusalReason unit tests.)
#include "tests/integration/mqtt/runner.hpp"
#include "tests/support/mosquitto.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

namespace wedge::test {
namespace {

using namespace std::chrono_literals;

// The first log line that contains `prefix`, "" when none yet.
std::string line_with(const Subprocess& process, const std::string& prefix) {
  std::istringstream log(process.log());
  for (std::string line; std::getline(log, line);)
    if (line.find(prefix) != std::string::npos) return line;
  return "";
}

// Waits until the log has a line with `prefix` and returns it.
std::string wait_line(const Subprocess& process, const std::string& prefix) {
  std::string line;
  wait_until([&] { return !(line = line_with(process, prefix)).empty(); }, 15s);
  return line;
}

constexpr const char* kLinkLine = "mqtt connect to";
constexpr const char* kChannelLine = "mqtt command channel to";

class PasswordBroker : public ::testing::Test {
 protected:
  // mosquitto with a password file and no anonymous login.
  void start() {
    const auto passwords = dir_.file("passwd");
    ASSERT_EQ(std::system(("mosquitto_passwd -b -c " + passwords + " gw1 s3cret >/dev/null 2>&1").c_str()), 0);
    ::chmod(passwords.c_str(), 0644);  // mosquitto reads it as its own user
    MosquittoOptions options;
    options.extra_config = "allow_anonymous false\npassword_file " + passwords + "\n";
    broker_.emplace(options);
  }
  std::string credentials(const std::string& password) {
    const auto path = dir_.file("creds" + std::to_string(++runs_));
    write_file(path, "username=gw1\npassword=" + password + "\n");
    ::chmod(path.c_str(), 0600);
    return path;
  }
  std::unique_ptr<Subprocess> runner(std::vector<std::string> extra) {
    const auto state = dir_.file("state" + std::to_string(++runs_));
    return start_runner(broker_->uri(), state, std::move(extra), state + ".log");
  }

  TempDir dir_;
  std::optional<Mosquitto> broker_;
  int runs_ = 0;
};

TEST_F(PasswordBroker, AWrongPasswordIsNotAuthorizedOnBothConnections) {
  start();
  for (const char* version : {"5", "3.1.1"}) {
    SCOPED_TRACE(version);
    auto refused = runner({"--credentials", credentials("Xyzzy9"), "--mqtt-version", version});
    const auto link = wait_line(*refused, kLinkLine);
    EXPECT_NE(link.find("not authorized"), std::string::npos) << refused->log();
    EXPECT_EQ(link.find("rc="), std::string::npos) << link;
    const auto channel = wait_line(*refused, kChannelLine);
    EXPECT_NE(channel.find("CONNACK refused the connection: not authorized"), std::string::npos) << refused->log();
    EXPECT_EQ(refused->log().find("Xyzzy9"), std::string::npos);  // never the password
  }
}

TEST_F(PasswordBroker, NoCredentialsIsNotAuthorized) {
  start();
  auto anonymous = runner({"--mqtt-version", "3.1.1"});
  EXPECT_NE(wait_line(*anonymous, kLinkLine).find("not authorized (CONNACK 5)"), std::string::npos)
      << anonymous->log();
  EXPECT_NE(wait_line(*anonymous, kChannelLine).find("not authorized (CONNACK 5)"), std::string::npos)
      << anonymous->log();
}

// Accepts TCP connections and answers each with `connack` (the raw CONNACK packet), then closes.
class RefusingListener {
 public:
  explicit RefusingListener(std::string connack) : connack_(std::move(connack)), fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot open a listener");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RefusingListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  RefusingListener(const RefusingListener&) = delete;
  RefusingListener& operator=(const RefusingListener&) = delete;
  std::string uri() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      char buffer[512];
      pollfd c{client, POLLIN, 0};
      if (::poll(&c, 1, 2000) > 0 && ::recv(client, buffer, sizeof buffer, 0) > 0)  // the CONNECT
        (void)!::send(client, connack_.data(), connack_.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  std::string connack_;
  int fd_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(BrokerRefusal, BadUserNameOrPasswordInBothMqttVersions) {
  struct Case {
    const char* version;
    std::string connack;
    const char* words;
  };
  const Case cases[] = {
      {"3.1.1", std::string("\x20\x02\x00\x04", 4), "bad user name or password (CONNACK 4)"},
      {"5", std::string("\x20\x03\x00\x86\x00", 5), "bad user name or password (CONNACK reason code 134)"},
      {"5", std::string("\x20\x03\x00\x8A\x00", 5), "banned (CONNACK reason code 138)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.words);
    RefusingListener broker(c.connack);
    TempDir state;
    auto runner = start_runner(broker.uri(), state.path(), {"--mqtt-version", c.version}, state.file("runner.log"));
    EXPECT_NE(wait_line(*runner, kLinkLine).find(c.words), std::string::npos) << runner->log();
    EXPECT_NE(wait_line(*runner, kChannelLine).find(c.words), std::string::npos) << runner->log();
  }
}

// The broker's certificate comes from a CA the gateway does not trust.
TEST(BrokerRefusal, UnknownCaIsSaidInWords) {
  TempDir pki_dir;
  const auto pki = make_test_pki(pki_dir.path());
  TempDir other_dir;
  const auto other = make_test_pki(other_dir.path());
  MosquittoOptions options;
  options.tls = true;
  options.pki = pki;
  Mosquitto broker(options);
  TempDir state;
  auto runner = start_runner(broker.uri(), state.path(),
                             {"--ca", other.ca_cert, "--cert", pki.client_cert, "--key", pki.client_key},
                             state.file("runner.log"));
  const auto link = wait_line(*runner, kLinkLine);
  EXPECT_NE(link.find("TLS handshake failed"), std::string::npos) << runner->log();
  EXPECT_EQ(link.find("reason="), std::string::npos) << link;
  const auto channel = wait_line(*runner, kChannelLine);
  EXPECT_NE(channel.find("TLS: unknown CA"), std::string::npos) << runner->log();
}

}  // namespace
}  // namespace wedge::test
