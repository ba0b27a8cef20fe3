// ModbusScale: a weighing indicator read over Modbus TCP ("modbus-tcp") or RTU ("modbus-rtu").
//
// Polls the weight (and optional status) registers every poll_interval_ms on a ModbusLink worker
// thread, decodes them with the configured RegisterMap and publishes Readings. Stability comes
// from the status register's stable bit when configured, else from the software detector
// (tolerance_grams / stable_window_ms / stable_readings). An exception response, a timeout or a
// broken connection marks the device faulted with the modbus_strerror reason (pending stable
// waiters fail with it); the driver then retries with back-off (a fresh connection unless the
// fault was an exception response) and reports connected again on the first good read.
// Zero/tare write zero_value / tare_value to command_register (FC06) when one is configured.
//
// Threading: loop thread only (see Scale). stop() joins the worker thread and may block for up to
// one response_timeout_ms if a Modbus call is in flight.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "drivers/common/backoff.hpp"
#include "drivers/scale/modbus_link.hpp"
#include "drivers/scale/register_map.hpp"
#include "drivers/scale/scale.hpp"

namespace wedge::drivers::scale {

struct ModbusScaleConfig {
  ModbusEndpoint endpoint;
  RegisterMap map;
  StabilityConfig stability;
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds reconnect_max{10000};
  int command_register = -1;
  int zero_value = 1;
  int tare_value = 2;

  // `driver` is "modbus-tcp" or "modbus-rtu"; `settings` validated against its schema.
  static ModbusScaleConfig from_settings(std::string_view driver, const Settings& settings);
};

class ModbusScale : public Scale {
 public:
  ModbusScale(boost::asio::any_io_executor loop, std::string id, ModbusScaleConfig config);
  ~ModbusScale() override;

  void start() override;
  void stop() override;
  void async_zero(CommandHandler handler) override;
  void async_tare(CommandHandler handler) override;

 private:
  void poll();
  void on_poll(ModbusOutcome outcome);
  void schedule_poll(std::chrono::milliseconds delay);
  void send_command(int value, std::string what, CommandHandler handler);
  void finish_command(CommandHandler handler, CommandResult result);

  ModbusScaleConfig config_;
  Backoff backoff_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<int> token_;  // outcomes and timers holding an expired copy are ignored
  std::unique_ptr<ModbusLink> link_;
};

}  // namespace wedge::drivers::scale
