#include "tests/support/printer_sim.hpp"

#include "tests/support/peer_start.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cstdio>
#include <stdexcept>

namespace wedge::test {

namespace {

// The simulator's first line once both ports listen: "… listening on <host>:<port> control <port>".
const std::string kStartLine = "zpl-printer-sim listening on ";

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

PrinterSim::PrinterSim(const std::string& script, const std::string& log_dir,
                       std::vector<std::string> extra_args) {
  // Port 0 for both: the simulator binds free ports itself and names them in its start line, so
  // no parallel test can take a port between a lookup here and the simulator's bind.
  static int started = 0;
  std::vector<std::string> argv = {script, "--port", "0", "--control-port", "0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Subprocess>(
      argv, log_dir + "/zpl-sim-" + std::to_string(++started) + ".log");
  const auto ports_named = [this] {
    const auto log = process_->log();
    const auto at = log.find(kStartLine);
    return at != std::string::npos &&
           std::sscanf(log.c_str() + at + kStartLine.size(), "%*[^:]:%d control %d", &port_,
                       &control_port_) == 2;
  };
  if (!wait_until_started(*process_, ports_named))
    throw std::runtime_error("zpl-printer-sim did not start: " + process_->log());
  control_fd_ = connect_loopback(control_port_);
  if (control_fd_ < 0) throw std::runtime_error("cannot connect to the simulator control port");
}

PrinterSim::~PrinterSim() {
  if (control_fd_ >= 0) ::close(control_fd_);
  process_->stop(std::chrono::milliseconds(500));
}

std::string PrinterSim::command(const std::string& line) {
  const std::string out = line + "\n";
  if (::send(control_fd_, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size()))
    throw std::runtime_error("simulator control link broken");
  while (true) {
    const auto nl = pending_.find('\n');
    if (nl != std::string::npos) {
      auto reply = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return reply;
    }
    char buf[65536];
    const auto n = ::recv(control_fd_, buf, sizeof buf, 0);
    if (n <= 0) throw std::runtime_error("simulator control link closed: " + process_->log());
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

void PrinterSim::set(const std::string& flag, bool on) { command(flag + (on ? " on" : " off")); }
void PrinterSim::down() { command("down"); }
void PrinterSim::up() { command("up"); }
int PrinterSim::count() { return std::stoi(command("count")); }
std::string PrinterSim::log() const { return process_->log(); }

SimRender PrinterSim::render() {
  SimRender result;
  const auto doc = boost::json::parse(command("render")).as_object();
  for (const auto& label : doc.at("labels").as_array()) {
    SimLabel out;
    for (const auto& field : label.as_object().at("fields").as_array()) {
      const auto& f = field.as_object();
      SimField sf;
      sf.text = std::string(f.at("text").as_string());
      sf.bytes = unhex(std::string(f.at("hex").as_string()));
      if (f.at("barcode").is_string()) sf.barcode = std::string(f.at("barcode").as_string());
      out.fields.push_back(std::move(sf));
    }
    result.labels.push_back(std::move(out));
  }
  for (const auto& c : doc.at("control").as_array())
    result.control.emplace_back(c.as_string());
  return result;
}

}  // namespace wedge::test
