#include "tools/fleet-bench/fleet_ledger.hpp"

#include <algorithm>

namespace wedge::fleet_bench {

void FleetLedger::add_scan(std::string code, int gateway, std::int64_t sent_ns) {
  by_code_.emplace(std::move(code), scans_.size());
  scans_.push_back(FleetScan{gateway, sent_ns, -1});
  ++books_[static_cast<std::size_t>(gateway)].scans_sent;
}

void FleetLedger::on_envelope(int gateway, std::string_view id, std::int64_t seq, std::string_view code,
                              std::int64_t received_ns) {
  auto& b = books_[static_cast<std::size_t>(gateway)];
  ++b.envelopes;
  if (!b.ids.emplace(id).second) {
    ++b.duplicates;
    return;
  }
  b.seqs.insert(seq);
  b.max_seq = std::max(b.max_seq, seq);
  if (code.empty()) return;
  const auto it = by_code_.find(std::string(code));
  if (it == by_code_.end()) {
    ++b.unknown_scans;
    return;
  }
  auto& scan = scans_[it->second];
  if (scan.received_ns >= 0) return;  // a second event for one scan: another id, counted by the station
  scan.received_ns = received_ns;
  ++b.scans_received;
}

bool FleetLedger::complete() const {
  return std::all_of(books_.begin(), books_.end(), [](const GatewayBooks& b) { return b.lost() == 0 && b.seq_gaps() == 0; });
}

}  // namespace wedge::fleet_bench
