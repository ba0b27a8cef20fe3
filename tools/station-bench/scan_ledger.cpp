#include "tools/station-bench/scan_ledger.hpp"

namespace wedge::station_bench {

void ScanLedger::add(std::string code, int station, ScannerKind kind, bool wrong_item, std::int64_t sent_ns) {
  ScanRecord r;
  r.station = station;
  r.kind = kind;
  r.wrong_item = wrong_item;
  r.code = code;
  r.sent_ns = sent_ns;
  by_code_.emplace(std::move(code), records_.size());
  records_.push_back(std::move(r));
}

void ScanLedger::on_snapshot(std::string_view code, std::string_view verdict, std::int64_t received_ns) {
  if (code.empty()) return;
  const auto it = by_code_.find(std::string(code));
  if (it == by_code_.end()) return;
  auto& r = records_[it->second];
  if (r.feedback_ns >= 0) return;
  r.feedback_ns = received_ns;
  r.verdict = std::string(verdict);
  ++feedback_;
}

void ScanLedger::on_event(std::string_view code, std::string_view type, std::string_view reason,
                          std::int64_t received_ns) {
  const auto it = by_code_.find(std::string(code));
  if (it == by_code_.end()) {
    ++unknown_events_;
    return;
  }
  auto& r = records_[it->second];
  if (r.event_ns >= 0) {
    ++duplicate_events_;
    return;
  }
  r.event_ns = received_ns;
  r.event_type = std::string(type);
  r.event_reason = std::string(reason);
  ++events_;
}

}  // namespace wedge::station_bench
