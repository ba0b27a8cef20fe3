#include "drivers/scanner/device_node_scanner.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>

#include "drivers/scanner/device_path.hpp"

namespace wedge::drivers::scanner {

using drivers::HealthState;

core::Error open_failure(const std::string& path, int error, std::string_view message,
                         std::initializer_list<int> also_absent) {
  bool absent = error == ENOENT || error == ENODEV || error == ENXIO;
  for (const int code : also_absent) absent = absent || error == code;
  return core::fail(absent ? core::Errc::unavailable : core::Errc::failed_precondition,
                    fmt::format("cannot open {}: {}", path, message));
}

DeviceNodeScanner::DeviceNodeScanner(boost::asio::any_io_executor executor, std::string id,
                                     const CommonConfig& common, std::string path, std::string config_error)
    : Scanner(std::move(id)),
      config_error_(std::move(config_error)),
      path_(std::move(path)),
      retry_timer_(executor),
      backoff_(common.reconnect_initial, common.reconnect_max) {
  set_scan_options(common.scan);
}

void DeviceNodeScanner::start() {
  if (begin_start(config_error_, alive_)) try_open();
}

void DeviceNodeScanner::stop() {
  *alive_ = false;
  set_active(false);
  retry_timer_.cancel();
  close_device();
  current_path_.clear();
}

void DeviceNodeScanner::try_open() {
  const auto path = resolve_device_path(path_);
  if (!path) {
    set_health(HealthState::disconnected, no_device_reason(path_));
    return schedule_retry();
  }
  if (auto opened = open_device(*path); !opened) {
    const bool absent = opened.error().code == core::Errc::unavailable;
    set_health(absent ? HealthState::disconnected : HealthState::faulted, opened.error().reason);
    return schedule_retry();
  }
  current_path_ = *path;
  if (auto set_up = set_up_device(); !set_up) return lose_device(HealthState::faulted, set_up.error().reason);
  spdlog::info("device={} {}", id(), open_message());
  backoff_.reset();
  set_health(HealthState::connected);
  start_read();
}

void DeviceNodeScanner::lose_device(HealthState state, std::string reason) {
  spdlog::warn("device={} {}", id(), reason);
  end_of_stream();
  close_device();
  current_path_.clear();
  if (!*alive_) return;
  set_health(state, std::move(reason));
  schedule_retry();
}

void DeviceNodeScanner::schedule_retry() {
  retry_timer_.expires_after(backoff_.next());
  retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec) return;
    try_open();
  });
}

}  // namespace wedge::drivers::scanner
