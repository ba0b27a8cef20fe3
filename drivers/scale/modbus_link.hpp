// ModbusLink: one libmodbus connection (TCP or RTU) driven from its own worker thread.
//
// libmodbus calls block and a modbus_t is not thread-safe, so each link owns one modbus_t and one
// thread; callers on the loop submit jobs, the worker runs them in order against a connected
// context and posts each outcome back to the loop executor. The worker connects lazily before a
// job; a failed connect or any error other than a Modbus exception response (timeout, broken pipe,
// bad CRC) closes the connection so the next job starts on a fresh one. Reconnect pacing (back-off)
// is the caller's business: it simply submits the next job later.
//
// Threading: construct, submit() and destroy on the loop thread. Jobs run on the worker thread and
// must touch nothing but the modbus_t they are given. The destructor joins the worker, which can
// take up to one response timeout (or TCP connect timeout) if a call is in flight. Outcomes still
// queued on the loop when the link dies are delivered; callers guard them with their own liveness
// token. Used by the Modbus scale and the Modbus light tower.
#pragma once

#include <modbus/modbus.h>

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/core/result.hpp"
#include "drivers/scale/serial_line.hpp"

namespace wedge::drivers {
class Settings;
}

namespace wedge::drivers::scale {

struct ModbusEndpoint {
  enum class Transport { tcp, rtu };
  Transport transport = Transport::tcp;
  std::string host = "127.0.0.1";  // tcp
  int port = 502;                  // tcp
  std::string path;                // rtu: serial device
  SerialLine line;                 // rtu
  int unit_id = 1;
  std::chrono::milliseconds response_timeout{500};

  // "tcp 127.0.0.1:502 unit 1" / "rtu /dev/ttyUSB0 9600 8N1 unit 1", for logs and reasons.
  std::string describe() const;
  // From the common Modbus keys (transport picked by driver name "modbus-tcp" / "modbus-rtu").
  static ModbusEndpoint from_settings(std::string_view driver, const Settings& settings);
};

enum class ModbusFault {
  link,       // no answer, a broken frame or no connection: the link is closed and opened again
  exception,  // the device answered with a Modbus exception response: the link is fine
};
std::string_view to_string(ModbusFault fault) noexcept;

// A job's register values (empty for writes), or what failed: the reason is modbus_strerror's
// text, prefixed with what was tried.
using ModbusOutcome = core::Result<std::vector<std::uint16_t>, core::BasicError<ModbusFault>>;

class ModbusLink {
 public:
  using Job = std::function<ModbusOutcome(modbus_t*)>;
  using Done = std::function<void(ModbusOutcome)>;
  static constexpr std::size_t kMaxQueued = 16;

  ModbusLink(boost::asio::any_io_executor loop, ModbusEndpoint endpoint);
  ~ModbusLink();
  ModbusLink(const ModbusLink&) = delete;
  ModbusLink& operator=(const ModbusLink&) = delete;

  // Queues `job`; `done` later runs on the loop with its outcome. Returns false (and never calls
  // `done`) when kMaxQueued jobs are already waiting.
  bool submit(Job job, Done done);
  const ModbusEndpoint& endpoint() const { return endpoint_; }

  // Builds the outcome for a libmodbus call that returned -1, from errno. Worker thread only.
  static ModbusOutcome failure(std::string_view what);

 private:
  void run();
  core::BasicStatus<core::BasicError<ModbusFault>> ensure_connected();
  void disconnect();

  boost::asio::any_io_executor loop_;
  ModbusEndpoint endpoint_;
  modbus_t* ctx_ = nullptr;  // worker thread only
  bool connected_ = false;   // worker thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<Job, Done>> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace wedge::drivers::scale
