// FleetLedger: what the OMS subscriber saw of one fleet point, per gateway, the way an OMS keeps
// its books (docs/mqtt-api.md, "Delivery promise"): every envelope (events and telemetry share one `seq`
// line per gateway) is de-duplicated by `id`; a `seq` missing between 1 and the highest one seen is
// a gap (a fresh gateway starts at seq 1); every scan the bench wrote is matched by its barcode to
// the first pick.item_picked that names it (its receipt time), and a scan with none is lost.
// Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace wedge::fleet_bench {

struct FleetScan {
  int gateway = 0;
  std::int64_t sent_ns = 0;
  std::int64_t received_ns = -1;  // the first pick.item_picked naming it, at the OMS subscriber
};

struct GatewayBooks {
  std::int64_t scans_sent = 0;
  std::int64_t scans_received = 0;
  std::int64_t envelopes = 0;   // copies received, duplicates included
  std::int64_t duplicates = 0;  // copies of an id already received
  std::int64_t max_seq = 0;
  std::int64_t unknown_scans = 0;  // pick.item_picked naming no scan of this point
  std::unordered_set<std::string> ids;
  std::unordered_set<std::int64_t> seqs;

  std::int64_t lost() const { return scans_sent - scans_received; }
  std::int64_t seq_gaps() const { return max_seq - static_cast<std::int64_t>(seqs.size()); }
};

class FleetLedger {
 public:
  explicit FleetLedger(int gateways) : books_(static_cast<std::size_t>(gateways)) {}

  void add_scan(std::string code, int gateway, std::int64_t sent_ns);
  // One event or telemetry envelope of `gateway`; `code` is data.barcode of a pick.item_picked, else "".
  void on_envelope(int gateway, std::string_view id, std::int64_t seq, std::string_view code, std::int64_t received_ns);

  // Every scan received and no seq gap anywhere.
  [[nodiscard]] bool complete() const;
  const std::vector<GatewayBooks>& books() const { return books_; }
  const std::vector<FleetScan>& scans() const { return scans_; }

 private:
  std::vector<GatewayBooks> books_;
  std::vector<FleetScan> scans_;
  std::unordered_map<std::string, std::size_t> by_code_;
};

}  // namespace wedge::fleet_bench
