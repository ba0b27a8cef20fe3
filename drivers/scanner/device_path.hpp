// Resolves a configured device path that may be a glob (/dev/serial/by-id/usb-Honeywell*) to the
// path to open now. Called again on every reconnect attempt, which is how unplug/replug (and a
// scanner that comes back under a new /dev/ttyACMn) is followed.
// Pure apart from reading the file system; any thread.
#pragma once

#include <optional>
#include <string>

namespace wedge::drivers::scanner {

// The first match in sorted order, or the pattern itself when it has no glob characters and exists.
// nullopt when nothing matches.
std::optional<std::string> resolve_device_path(const std::string& pattern);

// "no device matches <pattern>" — the health reason for an absent device.
std::string no_device_reason(const std::string& pattern);

}  // namespace wedge::drivers::scanner
