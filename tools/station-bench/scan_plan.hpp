// What the benchmark asks of each station: its scanner kind, its order (lines, GTINs, quantities),
// the item barcodes it scans and the daemon configuration that declares them all.
//
// Every scan carries a unique GS1 element string (01) GTIN + (21) serial, so the station snapshot
// (last_scan.barcode) and the MQTT event (data.barcode) each name exactly one scan. Lines are long
// enough that no order completes during the run (a completion would change what a scan does).
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/station-bench/options.hpp"

namespace wedge::station_bench {

// How the scanner reaches the daemon: a serial scanner on a pty pair, or a TCP reader in the
// driver's client mode (the daemon dials the bench) or listen mode (the bench dials the daemon).
enum class ScannerKind { serial, tcp_client, tcp_listen };

std::string_view to_string(ScannerKind kind);

struct StationPlan {
  int index = 0;
  std::string station_id;  // pick-001
  std::string device_id;   // scanner-001
  std::string order_id;    // BENCH-001
  ScannerKind kind = ScannerKind::serial;
  std::vector<std::string> gtins;  // one per line, 14 digits
  std::string wrong_gtin;          // on no line of the order
  std::int64_t qty_per_line = 0;
};

inline constexpr std::string_view kSite = "bench";
inline constexpr std::string_view kGateway = "gw1";

// Half serial (even indexes), half TCP (odd indexes, alternating client and listen mode).
[[nodiscard]] std::vector<StationPlan> make_plans(const Options& options);
// The GTIN-14 for a 13-digit body: body + GS1 mod-10 check digit.
[[nodiscard]] std::string gtin14(std::int64_t body13);
// The decoded data of one item scan (no AIM identifier): 01<gtin>21<serial>.
[[nodiscard]] std::string item_code(const std::string& gtin, std::string_view serial);
// The pick_list command (docs/mqtt-api.md "Commands", docs/scan-validation.md §3) for a station.
// The pick list of `plan`'s order, or (with `order_id`) of another order with the same lines for
// the same station; the command id is "bench-" + the order id.
[[nodiscard]] std::string pick_list_command(const StationPlan& plan, const std::string& order_id = "");
// {prefix}/{site}/{gateway}; the bench's gateway unless another is named
[[nodiscard]] std::string topic_base(const std::string& gateway = "");

struct DaemonConfigInput {
  std::string gateway;  // empty: the bench's gateway id
  std::string state_dir;
  int broker_port = 0;
  int http_port = 0;
  std::string log_level;
  std::optional<int> commit_window_us;
  std::vector<std::string> device_entries;  // YAML device entries, each "  - id: …\n    …\n"
  std::vector<StationPlan> plans;
};

[[nodiscard]] std::string daemon_config_yaml(const DaemonConfigInput& input);

}  // namespace wedge::station_bench
