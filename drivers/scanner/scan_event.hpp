// One scan as the scanner family hands it to the rest of the daemon.
//
// A good scan carries its data (GS kept as 0x1D, AIM identifier stripped) and ok = true. A bad scan
// (line noise, NUL byte, invalid UTF-8, too long, incomplete) carries ok = false, an empty `data`
// and a `reason`: bad bytes are reported, never passed on as data.
// Plain value type; no threading concerns.
#pragma once

#include <chrono>
#include <string>

namespace wedge::drivers::scanner {

inline constexpr char kGroupSeparator = '\x1d';

struct ScanEvent {
  std::string device_id;
  std::string data;                     // the decoded scan; empty when !ok
  std::string symbology = "unknown";    // "gs1-128", "ean-13", "gs1-datamatrix", "qr", … or "unknown"
  std::string aim_id;                   // e.g. "]C1"; empty when the scanner sent none
  std::chrono::steady_clock::time_point timestamp = std::chrono::steady_clock::now();
  bool ok = true;
  std::string reason;                   // why the scan was rejected; empty when ok
};

}  // namespace wedge::drivers::scanner
