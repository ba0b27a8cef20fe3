// ScanLedger: every scan the bench sent, and when its verdict (station snapshot) and its event
// (MQTT) came back. Scans are keyed by their decoded barcode text, which is unique per scan (see
// scan_plan.hpp); only the first snapshot and the first event naming a scan count (later snapshots
// repeat the last scan; an event may be resent after a reconnect).
// Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tools/station-bench/scan_plan.hpp"

namespace wedge::station_bench {

struct ScanRecord {
  int station = 0;
  ScannerKind kind = ScannerKind::serial;
  bool wrong_item = false;  // expected: refused wrong_item; else accepted
  std::string code;
  std::int64_t sent_ns = 0;
  std::int64_t feedback_ns = -1;  // snapshot with this scan as last_scan received
  std::int64_t event_ns = -1;     // its event received by the QoS 1 subscriber
  std::string verdict;            // last_scan.result of that snapshot
  std::string event_type;
  std::string event_reason;

  bool verdict_expected() const { return verdict == (wrong_item ? "refused" : "accepted"); }
  bool event_expected() const {
    return wrong_item ? event_type == "scan.refused" && event_reason == "wrong_item" : event_type == "pick.item_picked";
  }
};

class ScanLedger {
 public:
  void add(std::string code, int station, ScannerKind kind, bool wrong_item, std::int64_t sent_ns);
  void on_snapshot(std::string_view code, std::string_view verdict, std::int64_t received_ns);
  void on_event(std::string_view code, std::string_view type, std::string_view reason, std::int64_t received_ns);

  std::size_t sent() const { return records_.size(); }
  std::size_t feedback_received() const { return feedback_; }
  std::size_t events_received() const { return events_; }
  std::size_t duplicate_events() const { return duplicate_events_; }
  // Events of the benchmark's scan types that named no scan of this run.
  std::size_t unknown_events() const { return unknown_events_; }
  bool complete() const { return feedback_ == records_.size() && events_ == records_.size(); }
  const std::vector<ScanRecord>& records() const { return records_; }

 private:
  std::vector<ScanRecord> records_;
  std::unordered_map<std::string, std::size_t> by_code_;
  std::size_t feedback_ = 0;
  std::size_t events_ = 0;
  std::size_t duplicate_events_ = 0;
  std::size_t unknown_events_ = 0;
};

}  // namespace wedge::station_bench
