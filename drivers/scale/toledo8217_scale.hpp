// Toledo8217Scale: a Mettler Toledo retail scale speaking the 8217 "weight only" protocol over a
// serial line (driver "mt8217"; the protocol Odoo's IoT box uses; framing in
// toledo8217_parser.hpp).
//
// Every poll_interval_ms the driver sends `W` and waits response_timeout_ms for one frame:
// - a weight → a stable reading (the scale answers a weight only when it is at rest);
// - "?" with the motion bit → an unstable reading (the last weight, stable false), so
//   async_next_stable() waits;
// - over capacity / under zero → overload / underload readings with the reason;
// - an unreadable frame → the device is faulted ("unreadable reply: …") until a good one arrives
//   (a scale that lies is never taken at its word);
// - no frame in time → faulted ("no reply to W within N ms"), the port is reopened with back-off,
//   as after a read error or a failed open (a scale that vanishes).
// Zero and tare: the protocol has Z and T but acknowledges neither, so async_zero / async_tare
// answer not_supported; zero and tare at the scale.
//
// Threading: loop thread only (see Scale).
#pragma once

#include <array>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "drivers/common/backoff.hpp"
#include "drivers/scale/scale.hpp"
#include "drivers/scale/serial_line.hpp"
#include "drivers/scale/toledo8217_parser.hpp"

namespace wedge::drivers {
class Settings;
}

namespace wedge::drivers::scale {

struct Toledo8217Config {
  std::string path;
  SerialLine line{9600, 'E', 7, 1};  // the 8217 protocol's 7E1
  double unit_grams = 1000.0;        // the scale's unit: kg (1000) or lb (453.59237)
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds response_timeout{1000};
  std::chrono::milliseconds reconnect_max{10000};

  static Toledo8217Config from_settings(const Settings& settings);
};

class Toledo8217Scale : public Scale {
 public:
  Toledo8217Scale(boost::asio::any_io_executor loop, std::string id, Toledo8217Config config);
  ~Toledo8217Scale() override;

  void start() override;
  void stop() override;
  void async_zero(CommandHandler handler) override;
  void async_tare(CommandHandler handler) override;

 private:
  void open();
  void lose_connection(std::string reason);
  // Ends the connection: its callbacks are ignored from now on, its timers stop, the port closes.
  void close_line();
  void read_more();
  void poll();
  void on_frame(const std::string& frame);
  void schedule_poll();

  Toledo8217Config config_;
  Backoff backoff_;
  std::optional<boost::asio::serial_port> serial_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer response_timer_;
  std::array<char, 128> read_buffer_{};
  std::string pending_;
  bool awaiting_ = false;  // a W is out, its frame not yet in
  double last_grams_ = 0.0;
  std::shared_ptr<int> token_;       // start()..stop(): later callbacks are ignored
  std::shared_ptr<int> conn_token_;  // one open port: callbacks of an older one are ignored
};

}  // namespace wedge::drivers::scale
