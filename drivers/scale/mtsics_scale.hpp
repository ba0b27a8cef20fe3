// MtSicsScale: a Mettler Toledo (or compatible) balance speaking MT-SICS over a serial line or TCP
// (driver "mt-sics").
//
// Modes: `si` polls "SI" every poll_interval_ms (stable and dynamic weights, for a live display);
// `sir` sends "SIR" once and reads the stream the scale repeats until the next command; `s` polls
// "S", which the scale answers only with a stable weight (or "S I" after its own timeout).
// Replies: "S S"/"S D" → readings (stable flag straight from the scale), "S +"/"S -" → overload /
// underload readings with a reason, "ES"/"ET"/"EL" to a weight request → device fault. Z and T go
// through the same one-request-at-a-time queue ("Z A" ok, "T S <tare>" ok and net weights from
// then on, "Z I"/"T I"/"+"/"-"/"L"/ES/ET/EL → rejected with the reason). Garbage lines are logged
// and ignored; a request without a reply within response_timeout_ms faults the device and the
// connection is reopened with back-off, as after a read error or a failed open/connect.
//
// Threading: loop thread only (see Scale).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/common/backoff.hpp"
#include "drivers/scale/mtsics_parser.hpp"
#include "drivers/scale/scale.hpp"
#include "drivers/scale/serial_line.hpp"

namespace wedge::drivers {
class Settings;
}

namespace wedge::drivers::scale {

struct MtSicsConfig {
  enum class Transport { serial, tcp };
  enum class Mode { si, sir, s };
  Transport transport = Transport::serial;
  std::string path;
  SerialLine line;
  std::string host;
  int port = 4001;
  Mode mode = Mode::si;
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds response_timeout{1000};
  std::chrono::milliseconds reconnect_max{10000};

  static MtSicsConfig from_settings(const Settings& settings);
  std::string describe() const;  // "serial /dev/ttyUSB0" / "tcp 10.0.0.7:4001"
};

class MtSicsScale : public Scale {
 public:
  MtSicsScale(boost::asio::any_io_executor loop, std::string id, MtSicsConfig config);
  ~MtSicsScale() override;

  void start() override;
  void stop() override;
  void async_zero(CommandHandler handler) override;
  void async_tare(CommandHandler handler) override;

 private:
  struct Request {
    std::string command;      // "SI", "S", "SIR", "Z", "T"
    CommandHandler handler;   // empty for weight requests
  };
  static constexpr std::size_t kMaxQueued = 8;
  static constexpr std::size_t kMaxPending = 1024;  // bytes without a line end before we drop them

  void connect();
  void on_connected();
  void lose_connection(std::string reason);
  void close_stream();
  void schedule_reconnect();
  void read_more();
  void on_line(std::string_view line);
  void on_weight_reply(const MtSicsReply& reply);
  void on_command_reply(const MtSicsReply& reply);
  void send_next();
  void write(std::string data);
  void arm_response_timer();
  void on_response_timeout();
  void schedule_poll();
  // Zero ("Z") or tare ("T"), `what` naming it in reasons: refused at once when the queue is full
  // or the link is down.
  void command(std::string code, std::string_view what, CommandHandler handler);
  void enqueue(Request request);
  void finish(CommandHandler handler, CommandResult result);
  bool is_open() const;

  MtSicsConfig config_;
  Backoff backoff_;
  std::optional<boost::asio::serial_port> serial_;
  std::optional<boost::asio::ip::tcp::socket> socket_;
  std::optional<boost::asio::ip::tcp::resolver> resolver_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer response_timer_;
  std::array<char, 512> read_buffer_{};
  std::string pending_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  std::optional<Request> in_flight_;
  std::deque<Request> queue_;
  bool streaming_ = false;  // SIR is active
  bool net_ = false;        // a tare is in effect (T S succeeded, not cleared by Z)
  std::shared_ptr<int> token_;       // start()..stop(): later callbacks are ignored
  std::shared_ptr<int> conn_token_;  // one connection: I/O callbacks of an older one are ignored
};

}  // namespace wedge::drivers::scale
