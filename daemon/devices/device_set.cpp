#include "daemon/devices/device_set.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "drivers/light/factory.hpp"
#include "drivers/printer/factory.hpp"
#include "drivers/scale/factory.hpp"
#include "drivers/scanner/factory.hpp"

namespace wedge {

namespace {
template <typename Map, typename Ptr>
void add(Map& map, const config::DeviceConfig& device, Ptr ptr) {
  if (!ptr) throw std::runtime_error("no " + device.kind + " driver '" + device.driver + "' for " + device.id);
  map.emplace(device.id, std::move(ptr));
}

template <typename Map>
auto find(const Map& map, const std::string& id) -> decltype(map.begin()->second.get()) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : it->second.get();
}
}  // namespace

DeviceSet::DeviceSet(boost::asio::any_io_executor loop, const config::Config& config) {
  for (const auto& device : config.devices) {
    drivers::Device* base = nullptr;
    if (device.kind == "scanner") {
      add(scanners_, device, drivers::scanner::make_scanner(loop, device.id, device.driver, device.settings));
      base = scanners_.at(device.id).get();
    } else if (device.kind == "scale") {
      add(scales_, device, drivers::scale::make_scale(loop, device.id, device.driver, device.settings));
      base = scales_.at(device.id).get();
    } else if (device.kind == "printer") {
      add(printers_, device, drivers::make_printer(loop, device.driver, device.id, device.settings));
      base = printers_.at(device.id).get();
    } else if (device.kind == "light") {
      add(lights_, device, drivers::light::make_light(loop, device.id, device.driver, device.settings));
      base = lights_.at(device.id).get();
    } else {
      throw std::runtime_error("unknown device kind " + device.kind);
    }
    entries_.push_back({device.id, device.kind, device.driver, base});
  }
}

DeviceSet::~DeviceSet() { stop(); }

void DeviceSet::set_health_handler(HealthHandler handler) {
  for (auto& entry : entries_) {
    entry.device->set_health_handler(
        [handler, id = entry.id, kind = entry.kind](const drivers::Health& health) {
          handler(id, kind, health);
        });
  }
}

void DeviceSet::start() {
  for (auto& entry : entries_) {
    spdlog::info("device={} kind={} driver={}: starting", entry.id, entry.kind, entry.driver);
    entry.device->start();
  }
}

void DeviceSet::stop() {
  for (auto& entry : entries_) entry.device->stop();
}

drivers::scanner::Scanner* DeviceSet::scanner(const std::string& id) const { return find(scanners_, id); }
drivers::scale::Scale* DeviceSet::scale(const std::string& id) const { return find(scales_, id); }
drivers::Printer* DeviceSet::printer(const std::string& id) const { return find(printers_, id); }
drivers::light::Light* DeviceSet::light(const std::string& id) const { return find(lights_, id); }

}  // namespace wedge
