// Scale: the one interface every weighing device offers the station, whatever its protocol
// (Modbus TCP/RTU indicators, MT-SICS balances).
//
// A driver pushes Readings (grams, stable flag, gross/net, status, steady timestamp) through
// publish(); the base class fans them out to the readings handler (live weight for the station
// screen), applies software stability detection when the device does not report stability, and
// completes async_next_stable() waiters. A caller asks "the next stable weight within D ms" and
// gets exactly one StableResult: a stable ok Reading, or an error (timeout, fault, stopped is never
// delivered: after stop() no handler runs).
//
// Threading: every member function and every handler runs on the loop thread that owns the
// executor passed to the constructor. Drivers that block do so on their own worker threads.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/result.hpp"
#include "drivers/common/device.hpp"
#include "drivers/scale/stability_detector.hpp"

namespace wedge::drivers::scale {

enum class WeightStatus { ok, overload, underload, error };
std::string_view to_string(WeightStatus status) noexcept;

struct Reading {
  double grams = 0.0;
  bool stable = false;
  bool net = false;  // false = gross weight, true = net (tare subtracted)
  WeightStatus status = WeightStatus::ok;
  std::string reason;  // why status is not ok ("overload bit 1 set", "S +: overload"); else empty
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now();
};

enum class ScaleError {
  timeout,        // no stable ok reading (or no command reply) within the time asked for
  fault,          // the device is faulted or the link broke; reason says why
  rejected,       // the scale refused the command ("Z I": not executable now)
  not_supported,  // the driver or its config offers no such command
  busy,           // too many commands queued
};
std::string_view to_string(ScaleError error) noexcept;

using ScaleFailure = core::BasicError<ScaleError>;
// The stable reading, or why there is none.
using StableResult = core::Result<Reading, ScaleFailure>;
// Done (zero or tare acknowledged), or why not.
using CommandResult = core::BasicStatus<ScaleFailure>;

class Scale : public Device {
 public:
  using ReadingHandler = std::function<void(const Reading&)>;
  using StableHandler = std::function<void(const StableResult&)>;
  using CommandHandler = std::function<void(const CommandResult&)>;

  Scale(boost::asio::any_io_executor loop, std::string id, StabilityConfig stability);
  ~Scale() override;

  // Every reading, stable or not, as it arrives.
  void set_reading_handler(ReadingHandler handler) { reading_handler_ = std::move(handler); }

  // Calls `handler` once: with the first stable, ok reading that arrives after this call, or with
  // ScaleError::timeout when `within` passes first, or ScaleError::fault as soon as the device
  // faults (immediately if it is faulted now). Many waiters may be pending at once.
  void async_next_stable(std::chrono::milliseconds within, StableHandler handler);

  // Zero the scale / tare the current load. The handler runs once with the outcome.
  virtual void async_zero(CommandHandler handler) = 0;
  virtual void async_tare(CommandHandler handler) = 0;

  const std::optional<Reading>& last_reading() const { return last_reading_; }

 protected:
  // Drivers deliver a reading here. When `device_reports_stability` is false the base class sets
  // reading.stable from its StabilityDetector; non-ok readings are never stable.
  void publish(Reading reading, bool device_reports_stability);
  // Marks the device faulted with `reason` and fails every pending stable waiter with it.
  void report_fault(std::string reason);
  // Marks the device connected (a good exchange happened).
  void report_connected() { set_health(HealthState::connected); }
  // Drops every pending waiter without calling it (stop(): no handler after stop).
  void drop_waiters();

  boost::asio::any_io_executor loop_;

 private:
  struct Waiter {
    std::uint64_t id = 0;
    StableHandler handler;
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::chrono::milliseconds within{0};
  };
  void on_waiter_timeout(std::uint64_t id);
  std::string timeout_reason(std::chrono::milliseconds within) const;

  StabilityDetector detector_;
  ReadingHandler reading_handler_;
  std::optional<Reading> last_reading_;
  std::list<Waiter> waiters_;
  std::uint64_t next_waiter_id_ = 1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wedge::drivers::scale
