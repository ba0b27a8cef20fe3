#include "drivers/scanner/scanner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "drivers/scanner/aim.hpp"
#include "drivers/scanner/validation.hpp"

namespace wedge::drivers::scanner {

Scanner::Scanner(std::string id, ScanOptions options)
    : Device(std::move(id)), options_(options) {}

bool Scanner::begin_start(const std::string& config_error, std::shared_ptr<bool>& alive) {
  if (*alive) return false;
  if (!config_error.empty()) {
    set_health(HealthState::faulted, config_error);
    return false;
  }
  alive = std::make_shared<bool>(true);
  set_active(true);
  return true;
}

void Scanner::deliver_rejected(std::string reason) {
  ScanEvent event;
  event.ok = false;
  event.reason = std::move(reason);
  emit(std::move(event));
}

void Scanner::deliver_frame(Frame frame) {
  if (!frame.reject_reason.empty()) return deliver_rejected(std::move(frame.reject_reason));
  // Validate the raw bytes first: an AIM prefix must not hide a NUL or noise behind it.
  if (auto reason = validate_scan(frame.data)) return deliver_rejected(std::move(*reason));
  ScanEvent event;
  std::string_view payload = frame.data;
  if (options_.aim_ids) {
    const auto aim = parse_aim(frame.data);
    event.aim_id = std::string(aim.aim_id);
    event.symbology = std::string(aim.symbology);
    payload = aim.payload;
  }
  if (payload.empty()) return deliver_rejected("empty scan");
  event.data = std::string(payload);
  if (options_.gs_substitute)
    std::replace(event.data.begin(), event.data.end(), *options_.gs_substitute, kGroupSeparator);
  emit(std::move(event));
}

void Scanner::emit(ScanEvent event) {
  if (!active_) return;
  event.device_id = id();
  event.timestamp = std::chrono::steady_clock::now();
  if (event.ok) {
    ++counters_.good;
    spdlog::debug("device={} scan symbology={} length={}", id(), event.symbology,
                  event.data.size());
  } else {
    ++counters_.rejected;
    // Scan contents are not logged: a bad scan may be anything, and the reason says enough.
    spdlog::warn("device={} bad scan rejected: {}", id(), event.reason);
  }
  if (scan_handler_) scan_handler_(event);
}

}  // namespace wedge::drivers::scanner
