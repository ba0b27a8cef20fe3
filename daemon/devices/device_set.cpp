#include "daemon/devices/device_set.hpp"

#include <algorithm>
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

DeviceSet::DeviceSet(boost::asio::any_io_executor loop, const config::Config& config) : loop_(loop) {
  for (const auto& device : config.devices) entries_.push_back({device.id, device.kind, device.driver, &build(loop, device)});
}

drivers::Device& DeviceSet::build(boost::asio::any_io_executor loop, const config::DeviceConfig& device) {
  if (device.kind == "scanner") {
    add(scanners_, device, drivers::scanner::make_scanner(loop, device.id, device.driver, device.settings));
    return *scanners_.at(device.id);
  }
  if (device.kind == "scale") {
    add(scales_, device, drivers::scale::make_scale(loop, device.id, device.driver, device.settings));
    return *scales_.at(device.id);
  }
  if (device.kind == "printer") {
    add(printers_, device, drivers::make_printer(loop, device.driver, device.id, device.settings));
    return *printers_.at(device.id);
  }
  if (device.kind == "light") {
    add(lights_, device, drivers::light::make_light(loop, device.id, device.driver, device.settings));
    return *lights_.at(device.id);
  }
  throw std::runtime_error("unknown device kind " + device.kind);
}

DeviceSet::~DeviceSet() { stop(); }

void DeviceSet::hand_health(Entry& entry) {
  if (!health_handler_) return;
  entry.device->set_health_handler([handler = health_handler_, id = entry.id, kind = entry.kind](
                                       const drivers::Health& health) { handler(id, kind, health); });
}

void DeviceSet::set_health_handler(HealthHandler handler) {
  health_handler_ = std::move(handler);
  for (auto& entry : entries_) hand_health(entry);
}

void DeviceSet::start() {
  started_ = true;
  for (auto& entry : entries_) {
    spdlog::info("device={} kind={} driver={}: starting", entry.id, entry.kind, entry.driver);
    entry.device->start();
  }
}

void DeviceSet::stop() {
  for (auto& entry : entries_) entry.device->stop();
}

void DeviceSet::drop(const std::string& id) {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&id](const Entry& e) { return e.id == id; });
  if (it == entries_.end()) return;
  it->device->stop();
  scanners_.erase(id);
  scales_.erase(id);
  printers_.erase(id);
  lights_.erase(id);
  entries_.erase(it);
}

void DeviceSet::apply(const config::Config& config, const config::EntryChanges& changes) {
  for (const auto& id : changes.removed) drop(id);
  for (const auto& id : changes.changed) drop(id);
  for (const auto* ids : {&changes.changed, &changes.added}) {
    for (const auto& id : *ids) {
      const auto* device = config.find_device(id);
      if (device == nullptr) continue;
      entries_.push_back({device->id, device->kind, device->driver, &build(loop_, *device)});
      hand_health(entries_.back());
      if (!started_) continue;
      spdlog::info("device={} kind={} driver={}: starting", device->id, device->kind, device->driver);
      entries_.back().device->start();
    }
  }
}

drivers::scanner::Scanner* DeviceSet::scanner(const std::string& id) const { return find(scanners_, id); }
drivers::scale::Scale* DeviceSet::scale(const std::string& id) const { return find(scales_, id); }
drivers::Printer* DeviceSet::printer(const std::string& id) const { return find(printers_, id); }
drivers::light::Light* DeviceSet::light(const std::string& id) const { return find(lights_, id); }

}  // namespace wedge
