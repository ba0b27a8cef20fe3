// modbus-sim: a Modbus server (libmodbus) that plays a weighing indicator or a light tower, for
// wedge's integration tests and the demo. It runs standalone and is driven by commands on stdin
// (or a file/FIFO given with --control), one per line; see --help. Every applied command is echoed
// as "OK <command>" on stdout; in light mode every coil write is printed as
// "[<seconds since start>] COILS <one 0/1 per coil> (fc <n> addr <a> count <c>)".
//
// Single-threaded select() loop over the listening socket, the clients and the control input (plus
// a byte relay thread between two pty pairs in --rtu-pty mode). `delay` blocks that loop on
// purpose, like a slow indicator.
#include <errno.h>
#include <fcntl.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <pty.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/common/command_line.hpp"

namespace {

constexpr const char* kHelp = R"(usage: modbus-sim --mode scale|light [options]

A Modbus TCP (or RTU over a pty pair) server simulating a weighing indicator or a light tower.

common options:
  --mode scale|light      what to simulate (default scale)
  --host ADDR             listen address (default 127.0.0.1)
  --port N                TCP port (default 1502; 0 = a free one, named in the LISTEN line)
  --rtu-pty               serve Modbus RTU on a new pty pair instead of TCP; prints
                          "PTY /dev/pts/N" (the device path for the client) first
  --unit N                unit id answered in RTU mode (default 1; TCP answers any)
  --control PATH          read commands from PATH (file or FIFO) instead of stdin
  --log PATH              also append every output line to PATH
scale options:
  --address A             0-based address of the weight register(s) (default 0)
  --type T                int16|uint16|int32|uint32|float32 (default int32)
  --word-order big|little ABCD or CDAB for 32-bit types (default big)
  --scale S               register value = grams / S (default 1)
  --status-address A      status register (default 10): bit 0 stable, 1 overload,
                          2 underload, 3 error, 4 net
  --command-address A     command register (default 20): write 1 = zero, 2 = tare, 3 = clear tare
  --weight G              initial gross weight in grams (default 0)
light options:
  --coils N               number of coils (default 8)

commands (stdin or --control, one per line):
  weight G        set the gross weight (grams)
  unstable [A]    weight moves by up to +-A grams (default 20) on every read; stable bit clear
  stable          weight stops moving; stable bit set
  overload | underload | error | ok    set / clear the status condition
  exception N     answer every request with Modbus exception N (0 = off)
  delay MS        wait MS before every reply (0 = off)
  drop            close all client connections once
  down / up       stop listening and drop clients / listen again
  coils           print the coil state (light)
  quit            exit
)";

struct Options {
  std::string mode = "scale";
  std::string host = "127.0.0.1";
  int port = 1502;
  bool rtu_pty = false;
  int unit = 1;
  std::string control;
  std::string log;
  int address = 0;
  std::string type = "int32";
  bool little = false;
  double scale = 1.0;
  int status_address = 10;
  int command_address = 20;
  double weight = 0.0;
  int coils = 8;
};

std::atomic<bool> g_quit{false};
FILE* g_log = nullptr;
const auto g_start = std::chrono::steady_clock::now();

void out(const std::string& line) {
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
  if (g_log != nullptr) {
    std::fprintf(g_log, "%s\n", line.c_str());
    std::fflush(g_log);
  }
}

double seconds_since_start() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
}

struct State {
  double gross = 0.0;
  double zero_offset = 0.0;
  double tare = 0.0;
  bool net = false;
  double amplitude = 0.0;  // 0 = stable
  bool overload = false, underload = false, error = false;
  int exception = 0;
  int delay_ms = 0;
  std::mt19937 rng{12345};
};

class Simulator {
 public:
  explicit Simulator(Options options) : opt_(std::move(options)) {
    state_.gross = opt_.weight;
    mapping_ = modbus_mapping_new(opt_.coils > 2000 ? opt_.coils : 2000, 0, 1000, 1000);
  }
  ~Simulator() {
    if (mapping_ != nullptr) modbus_mapping_free(mapping_);
    if (ctx_ != nullptr) modbus_free(ctx_);
  }

  int run();

 private:
  bool listen_tcp();
  void stop_listening();
  void drop_clients();
  void handle_control_line(const std::string& line);
  void refresh_registers();
  void serve_request(int fd);
  void after_reply(const std::uint8_t* query, int header);
  void print_coils(int fc, int addr, int count);
  std::string coil_string() const;
  bool open_rtu_pty();

  Options opt_;
  State state_;
  modbus_t* ctx_ = nullptr;
  modbus_mapping_t* mapping_ = nullptr;
  int listen_fd_ = -1;
  std::set<int> clients_;
  int control_fd_ = 0;
  std::string control_buffer_;
  int relay_a_ = -1, relay_b_ = -1;  // pty masters relayed in --rtu-pty mode
};

bool Simulator::listen_tcp() {
  listen_fd_ = modbus_tcp_listen(ctx_, 16);
  if (listen_fd_ < 0) {
    out(std::string("ERROR listen: ") + modbus_strerror(errno));
    return false;
  }
  if (opt_.port == 0) {
    // Port 0: the kernel picked a free port. Report it, and keep it for "up" after "down" (a
    // tower comes back where it was), which re-listens through a context holding that port.
    sockaddr_in bound{};
    socklen_t len = sizeof bound;
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
      out(std::string("ERROR getsockname: ") + std::strerror(errno));
      return false;
    }
    opt_.port = ntohs(bound.sin_port);
    modbus_free(ctx_);
    ctx_ = modbus_new_tcp(opt_.host.c_str(), opt_.port);
    if (ctx_ == nullptr) return false;
  }
  out("LISTEN " + opt_.host + ":" + std::to_string(opt_.port));
  return true;
}

void Simulator::stop_listening() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void Simulator::drop_clients() {
  for (int fd : clients_) ::close(fd);
  clients_.clear();
}

std::string Simulator::coil_string() const {
  std::string bits;
  for (int i = 0; i < opt_.coils; ++i) bits += mapping_->tab_bits[i] ? '1' : '0';
  return bits;
}

void Simulator::print_coils(int fc, int addr, int count) {
  char prefix[64];
  std::snprintf(prefix, sizeof prefix, "[%10.3f] ", seconds_since_start());
  out(std::string(prefix) + "COILS " + coil_string() + " (fc " + std::to_string(fc) + " addr " +
      std::to_string(addr) + " count " + std::to_string(count) + ")");
}

void Simulator::refresh_registers() {
  if (opt_.mode != "scale") return;
  double gross = state_.gross;
  if (state_.amplitude > 0) {
    std::uniform_real_distribution<double> noise(-state_.amplitude, state_.amplitude);
    gross += noise(state_.rng);
  }
  gross -= state_.zero_offset;
  const double shown = state_.net ? gross - state_.tare : gross;
  const double raw = shown / opt_.scale;
  std::uint16_t words[2] = {0, 0};
  int count = 2;
  if (opt_.type == "int16") {
    words[0] = static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(raw)));
    count = 1;
  } else if (opt_.type == "uint16") {
    words[0] = static_cast<std::uint16_t>(std::lround(raw));
    count = 1;
  } else {
    std::uint32_t bits = 0;
    if (opt_.type == "float32") {
      const float f = static_cast<float>(raw);
      std::memcpy(&bits, &f, sizeof bits);
    } else if (opt_.type == "uint32") {
      bits = static_cast<std::uint32_t>(std::llround(raw));
    } else {
      bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(std::llround(raw)));
    }
    const auto high = static_cast<std::uint16_t>(bits >> 16);
    const auto low = static_cast<std::uint16_t>(bits & 0xFFFF);
    words[0] = opt_.little ? low : high;
    words[1] = opt_.little ? high : low;
  }
  for (int i = 0; i < count; ++i) {
    mapping_->tab_registers[opt_.address + i] = words[i];
    mapping_->tab_input_registers[opt_.address + i] = words[i];
  }
  std::uint16_t status = 0;
  if (state_.amplitude <= 0) status |= 1U << 0;
  if (state_.overload) status |= 1U << 1;
  if (state_.underload) status |= 1U << 2;
  if (state_.error) status |= 1U << 3;
  if (state_.net) status |= 1U << 4;
  mapping_->tab_registers[opt_.status_address] = status;
  mapping_->tab_input_registers[opt_.status_address] = status;
}

void Simulator::after_reply(const std::uint8_t* query, int header) {
  const int fc = query[header];
  const int addr = (query[header + 1] << 8) | query[header + 2];
  if (opt_.mode == "light" && (fc == 0x05 || fc == 0x0F)) {
    const int count = fc == 0x05 ? 1 : ((query[header + 3] << 8) | query[header + 4]);
    print_coils(fc, addr, count);
  }
  if (opt_.mode == "scale" && (fc == 0x06 || fc == 0x10)) {
    const int command = mapping_->tab_registers[opt_.command_address];
    if (command == 0) return;
    mapping_->tab_registers[opt_.command_address] = 0;
    if (command == 1) {
      state_.zero_offset = state_.gross;
      state_.net = false;
      out("DID zero");
    } else if (command == 2) {
      state_.tare = state_.gross - state_.zero_offset;
      state_.net = true;
      out("DID tare");
    } else if (command == 3) {
      state_.tare = 0;
      state_.net = false;
      out("DID clear-tare");
    }
  }
}

void Simulator::serve_request(int fd) {
  std::uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  modbus_set_socket(ctx_, fd);
  const int rc = modbus_receive(ctx_, query);
  if (rc == 0) return;  // not for us (RTU: other unit)
  if (rc < 0) {
    if (!opt_.rtu_pty) {
      ::close(fd);
      clients_.erase(fd);
    }
    return;
  }
  if (state_.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(state_.delay_ms));
  if (state_.exception > 0) {
    modbus_reply_exception(ctx_, query, static_cast<unsigned>(state_.exception));
    return;
  }
  refresh_registers();
  if (modbus_reply(ctx_, query, rc, mapping_) < 0) {
    if (!opt_.rtu_pty) {
      ::close(fd);
      clients_.erase(fd);
    }
    return;
  }
  after_reply(query, modbus_get_header_length(ctx_));
}

void Simulator::handle_control_line(const std::string& raw) {
  std::istringstream in(raw);
  std::string cmd;
  if (!(in >> cmd)) return;
  if (cmd == "weight") {
    double g = 0;
    if (!(in >> g)) return out("ERROR weight needs grams");
    state_.gross = g;
  } else if (cmd == "unstable") {
    double a = 20.0;
    in >> a;
    state_.amplitude = a > 0 ? a : 20.0;
  } else if (cmd == "stable") {
    state_.amplitude = 0;
  } else if (cmd == "overload") {
    state_.overload = true;
  } else if (cmd == "underload") {
    state_.underload = true;
  } else if (cmd == "error") {
    state_.error = true;
  } else if (cmd == "ok") {
    state_.overload = state_.underload = state_.error = false;
  } else if (cmd == "exception") {
    int n = 0;
    in >> n;
    state_.exception = n;
  } else if (cmd == "delay") {
    int ms = 0;
    in >> ms;
    state_.delay_ms = ms;
  } else if (cmd == "drop") {
    drop_clients();
  } else if (cmd == "down") {
    stop_listening();
    drop_clients();
  } else if (cmd == "up") {
    if (listen_fd_ < 0 && !opt_.rtu_pty && !listen_tcp()) return;
  } else if (cmd == "coils") {
    out("COILS " + coil_string());
  } else if (cmd == "quit") {
    g_quit = true;
  } else {
    return out("ERROR unknown command: " + raw);
  }
  out("OK " + raw);
}

void relay(int a, int b) {
  // Copies bytes both ways between two pty masters, like `socat pty pty`.
  char buffer[512];
  while (!g_quit) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(a, &set);
    FD_SET(b, &set);
    timeval tv{0, 100000};
    if (::select((a > b ? a : b) + 1, &set, nullptr, nullptr, &tv) <= 0) continue;
    for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
      if (!FD_ISSET(from, &set)) continue;
      const auto n = ::read(from, buffer, sizeof buffer);
      // EIO while nobody holds the slave open: wait for the client instead of spinning.
      if (n <= 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      if (::write(to, buffer, static_cast<std::size_t>(n)) < 0) continue;
    }
  }
}

void make_raw(int fd) {
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return;
  ::cfmakeraw(&tio);
  ::tcsetattr(fd, TCSANOW, &tio);
}

bool Simulator::open_rtu_pty() {
  int slave_a = -1, slave_b = -1;
  char name_a[128], name_b[128];
  if (::openpty(&relay_a_, &slave_a, name_a, nullptr, nullptr) != 0 ||
      ::openpty(&relay_b_, &slave_b, name_b, nullptr, nullptr) != 0) {
    out(std::string("ERROR openpty: ") + std::strerror(errno));
    return false;
  }
  make_raw(slave_a);
  make_raw(slave_b);
  // Keep slave_a open so the client side never sees a hang-up between its opens.
  ctx_ = modbus_new_rtu(name_b, 9600, 'N', 8, 1);
  if (ctx_ == nullptr || modbus_set_slave(ctx_, opt_.unit) != 0 || modbus_connect(ctx_) != 0) {
    out(std::string("ERROR rtu: ") + modbus_strerror(errno));
    return false;
  }
  ::close(slave_b);
  std::thread(relay, relay_a_, relay_b_).detach();
  out(std::string("PTY ") + name_a);
  return true;
}

int Simulator::run() {
  if (opt_.rtu_pty) {
    if (!open_rtu_pty()) return 1;
  } else {
    ctx_ = modbus_new_tcp(opt_.host.c_str(), opt_.port);
    if (ctx_ == nullptr || !listen_tcp()) return 1;
  }
  if (!opt_.control.empty()) {
    // O_RDWR keeps a FIFO open even when its writer goes away, so EOF never spins the loop.
    control_fd_ = ::open(opt_.control.c_str(), O_RDWR);
    if (control_fd_ < 0) {
      out("ERROR control " + opt_.control + ": " + std::strerror(errno));
      return 1;
    }
  }
  refresh_registers();
  bool control_open = true;
  while (!g_quit) {
    fd_set set;
    FD_ZERO(&set);
    int max_fd = -1;
    auto add = [&](int fd) {
      FD_SET(fd, &set);
      if (fd > max_fd) max_fd = fd;
    };
    if (control_open) add(control_fd_);
    if (listen_fd_ >= 0) add(listen_fd_);
    for (int fd : clients_) add(fd);
    const int rtu_fd = opt_.rtu_pty ? modbus_get_socket(ctx_) : -1;
    if (rtu_fd >= 0) add(rtu_fd);
    timeval tv{0, 200000};
    const int n = ::select(max_fd + 1, &set, nullptr, nullptr, &tv);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (n == 0) continue;
    if (control_open && FD_ISSET(control_fd_, &set)) {
      char buffer[512];
      const auto got = ::read(control_fd_, buffer, sizeof buffer);
      if (got <= 0) {
        control_open = false;  // stdin closed: keep serving until SIGTERM
      } else {
        control_buffer_.append(buffer, static_cast<std::size_t>(got));
        std::size_t pos;
        while ((pos = control_buffer_.find('\n')) != std::string::npos) {
          const auto line = control_buffer_.substr(0, pos);
          control_buffer_.erase(0, pos + 1);
          handle_control_line(line);
        }
      }
    }
    if (listen_fd_ >= 0 && FD_ISSET(listen_fd_, &set)) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd >= 0) clients_.insert(fd);
    }
    if (rtu_fd >= 0 && FD_ISSET(rtu_fd, &set)) serve_request(rtu_fd);
    for (int fd : std::set<int>(clients_))
      if (FD_ISSET(fd, &set) && clients_.count(fd) != 0) serve_request(fd);
  }
  drop_clients();
  stop_listening();
  return 0;
}

bool parse_options(int argc, char** argv, Options& opt) {
  wedge::tools::Flags flags;
  flags.flag("help,h", [] {
         std::fputs(kHelp, stdout);
         std::exit(0);
       })
      .flag("rtu-pty", [&] { opt.rtu_pty = true; })
      .value("mode", [&](const std::string& v) { opt.mode = v; })
      .value("host", [&](const std::string& v) { opt.host = v; })
      .value("port", [&](const std::string& v) { opt.port = std::stoi(v); })
      .value("unit", [&](const std::string& v) { opt.unit = std::stoi(v); })
      .value("control", [&](const std::string& v) { opt.control = v; })
      .value("log", [&](const std::string& v) { opt.log = v; })
      .value("address", [&](const std::string& v) { opt.address = std::stoi(v); })
      .value("type", [&](const std::string& v) { opt.type = v; })
      .value("word-order", [&](const std::string& v) { opt.little = v == "little"; })
      .value("scale", [&](const std::string& v) { opt.scale = std::stod(v); })
      .value("status-address", [&](const std::string& v) { opt.status_address = std::stoi(v); })
      .value("command-address", [&](const std::string& v) { opt.command_address = std::stoi(v); })
      .value("weight", [&](const std::string& v) { opt.weight = std::stod(v); })
      .value("coils", [&](const std::string& v) { opt.coils = std::stoi(v); });
  try {
    flags.apply(argc, argv);
  } catch (const wedge::tools::po::error& e) {
    std::fprintf(stderr, "modbus-sim: %s (see --help)\n", wedge::tools::message(e).c_str());
    return false;
  }
  if (opt.mode != "scale" && opt.mode != "light") {
    std::fprintf(stderr, "modbus-sim: --mode must be scale or light\n");
    return false;
  }
  if (opt.address < 0 || opt.address > 998 || opt.status_address < 0 || opt.status_address > 999 ||
      opt.command_address < 0 || opt.command_address > 999 || opt.coils < 1 || opt.coils > 2000 ||
      opt.scale == 0.0) {
    std::fprintf(stderr, "modbus-sim: address/coils/scale out of range\n");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  try {
    if (!parse_options(argc, argv, opt)) return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "modbus-sim: bad number: %s\n", e.what());
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction sa{};
  sa.sa_handler = [](int) { g_quit = true; };
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  if (!opt.log.empty()) g_log = std::fopen(opt.log.c_str(), "a");
  Simulator sim(opt);
  const int rc = sim.run();
  if (g_log != nullptr) std::fclose(g_log);
  return rc;
}
