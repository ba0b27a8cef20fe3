// The contract every wedge device driver keeps, whatever its family.
//
// A driver owns one physical device (a scanner, scale, printer or light tower) and turns its bytes
// into typed events, and typed commands into bytes. It knows devices, never orders or stations.
//
// Threading: every member function, and every handler a driver calls, runs on the one
// boost::asio::io_context thread that owns the daemon's state. A driver that must block (libmodbus)
// does so on its own worker thread and posts results back to that executor.
//
// Lifecycle: construct → set handlers → start() → … → stop(). start() never throws and never blocks:
// a device that is absent or broken is reported through health (disconnected / faulted) and the
// driver keeps retrying with back-off by itself until stop(). After stop() no handler is called.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::drivers {

enum class HealthState { connected, disconnected, faulted };

std::string_view to_string(HealthState state) noexcept;

// A snapshot of a device's health. `reason` is a human sentence for the engineer on call
// ("no such file /dev/ttyACM0", "paper out"); empty when connected and well. `warnings` are
// conditions that do not stop the device yet but will if nobody acts ("paper near end"); any
// state may carry them. `since` is when state or reason last changed (not the warnings).
struct Health {
  HealthState state = HealthState::disconnected;
  std::string reason;
  std::vector<std::string> warnings;
  std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();

  bool operator==(const Health& other) const {
    return state == other.state && reason == other.reason && warnings == other.warnings;
  }
};

class Device {
 public:
  using HealthHandler = std::function<void(const Health&)>;

  explicit Device(std::string id) : id_(std::move(id)) {}
  virtual ~Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Starts I/O. Loop thread only; never throws, never blocks.
  virtual void start() = 0;
  // Cancels all I/O and timers; no handler runs afterwards. Loop thread only; idempotent.
  virtual void stop() = 0;

  const std::string& id() const noexcept { return id_; }
  const Health& health() const noexcept { return health_; }

  // Called on every change of state, reason or warnings (not on repeats of the same one).
  void set_health_handler(HealthHandler handler) { health_handler_ = std::move(handler); }

 protected:
  // Drivers report here; repeated identical reports are folded so that a device that keeps failing
  // the same way does not flood the uplink with retained status messages.
  void set_health(HealthState state, std::string reason = {});
  // Replaces the warnings; folded like set_health.
  void set_warnings(std::vector<std::string> warnings);

 private:
  std::string id_;
  Health health_;
  HealthHandler health_handler_;
};

}  // namespace wedge::drivers
