// Every device of the gateway, built from the validated config by the driver factories.
//
// The set owns the drivers, starts and stops them together, and reports every health change of
// any device through one handler (which the app forwards to the uplink as retained device status).
// Stations look their devices up here by id and kind; a device id that the config validated always
// resolves. Loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config/config.hpp"
#include "daemon/config/config_diff.hpp"
#include "drivers/common/device.hpp"
#include "drivers/light/light.hpp"
#include "drivers/printer/printer.hpp"
#include "drivers/scale/scale.hpp"
#include "drivers/scanner/scanner.hpp"

namespace wedge {

class DeviceSet {
 public:
  using HealthHandler =
      std::function<void(const std::string& id, const std::string& kind, const drivers::Health&)>;

  // Builds every device of `config`; throws std::runtime_error if a factory refuses one (start-up
  // error: the config validated, so this means a driver/schema mismatch — a bug).
  DeviceSet(boost::asio::any_io_executor loop, const config::Config& config);
  ~DeviceSet();
  DeviceSet(const DeviceSet&) = delete;
  DeviceSet& operator=(const DeviceSet&) = delete;

  void set_health_handler(HealthHandler handler);
  void start();
  void stop();

  // Reload: stops and drops the devices that `changes` removes or changes, then builds those it
  // adds or changes from `config` (which must outlive nothing: drivers copy their settings), gives
  // them the health handler and, once start() ran, starts them. Pointers to dropped devices are
  // invalid afterwards: let go of them first (Stations::detach_devices, PrintQueue::remove_printer).
  // Throws std::runtime_error as the constructor does.
  void apply(const config::Config& config, const config::EntryChanges& changes);

  drivers::scanner::Scanner* scanner(const std::string& id) const;
  drivers::scale::Scale* scale(const std::string& id) const;
  drivers::Printer* printer(const std::string& id) const;
  drivers::light::Light* light(const std::string& id) const;

  struct Entry {
    std::string id;
    std::string kind;
    std::string driver;
    drivers::Device* device;
  };
  const std::vector<Entry>& all() const { return entries_; }

 private:
  std::map<std::string, std::unique_ptr<drivers::scanner::Scanner>> scanners_;
  std::map<std::string, std::unique_ptr<drivers::scale::Scale>> scales_;
  std::map<std::string, std::unique_ptr<drivers::Printer>> printers_;
  std::map<std::string, std::unique_ptr<drivers::light::Light>> lights_;
  std::vector<Entry> entries_;
  HealthHandler health_handler_;
  bool started_ = false;

  drivers::Device& build(boost::asio::any_io_executor loop, const config::DeviceConfig& device);
  void drop(const std::string& id);
  void hand_health(Entry& entry);
  boost::asio::any_io_executor loop_;
};

}  // namespace wedge
