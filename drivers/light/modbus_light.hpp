// ModbusLight: a light tower / buzzer on Modbus coils (drivers "modbus-tcp" and "modbus-rtu").
//
// Every coil image the pattern engine produces is written with one modbus_write_bits (FC0F) of
// coil_count coils from coil_address, on the ModbusLink worker thread. Writes never queue up: if
// one is in flight, only the newest image is written after it. Every poll_interval_ms the driver
// reads the coils back (FC01) as a liveness check. A failed write or read marks the device
// faulted with the modbus_strerror reason and retries with back-off; on recovery the current image
// is written again (a tower that lost power comes back showing the right pattern).
//
// Threading: loop thread only. stop() joins the worker and may block for up to one
// response_timeout_ms if a Modbus call is in flight.
#pragma once

#include <memory>
#include <optional>

#include "drivers/common/backoff.hpp"
#include "drivers/light/light.hpp"
#include "drivers/scale/modbus_link.hpp"

namespace wedge::drivers::light {

struct ModbusLightConfig {
  scale::ModbusEndpoint endpoint;
  int coil_address = 0;
  int coil_count = 8;
  std::string idle_pattern = "off";
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds reconnect_max{10000};
  LightPatterns patterns;

  static ModbusLightConfig from_settings(std::string_view driver, const Settings& settings,
                                         std::string_view device);
};

class ModbusLight : public Light {
 public:
  ModbusLight(boost::asio::any_io_executor loop, std::string id, ModbusLightConfig config);
  ~ModbusLight() override;

  void start() override;
  void stop() override;

 protected:
  void write_coils(const std::vector<std::uint8_t>& states) override;

 private:
  void flush();
  void check();
  // Hands `job` to the link; in_flight_ says whether it was queued.
  void submit(scale::ModbusLink::Job job);
  void on_outcome(scale::ModbusOutcome outcome);
  void schedule(std::chrono::milliseconds delay);

  ModbusLightConfig config_;
  Backoff backoff_;
  boost::asio::steady_timer timer_;
  std::vector<std::uint8_t> desired_;
  bool dirty_ = false;      // desired_ not yet written successfully
  bool in_flight_ = false;  // a job is on the worker
  std::shared_ptr<int> token_;
  std::unique_ptr<scale::ModbusLink> link_;
};

}  // namespace wedge::drivers::light
