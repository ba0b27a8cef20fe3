// The birth/death session number of the MQTT link (Sparkplug's bdSeq idea, without its wrap at 255).
//
// next() adds one and stores the value in `path` (write to a temporary file, fsync, rename) before
// it returns, so every CONNECT of this gateway, across restarts and crashes, carries a larger
// number than the one before: the OMS can tell which session an event, a birth or a Will came from.
// A missing or unreadable file starts at 1. Not thread-safe; owned by the loop thread.
#pragma once

#include <cstdint>
#include <string>

namespace wedge::mqtt {

class SessionCounter {
 public:
  explicit SessionCounter(std::string path);
  std::int64_t current() const { return value_; }
  // Increments and persists. Returns false (and still increments in memory) if the file could not
  // be written; the caller logs it.
  bool next();

 private:
  std::string path_;
  std::int64_t value_ = 0;
};

}  // namespace wedge::mqtt
