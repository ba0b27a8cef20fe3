// The returns item check: may this scanned unit come back in this return? check_return_item()
// compares one scan with what left in the order (ShippedLine, from the shipped order's record in
// stations.db, or — when the order is not known at this gateway — from what the OMS announced)
// and with what was already returned (this return and the order's earlier returns). Order:
//   1. the barcode must read: a SKU as text, else GS1 (a GS1 error is the refusal code);
//      a non-item barcode → not_an_item, unreadable text → unknown_barcode;
//   2. the item must have left in the order → not_shipped;
//   3. serials, when the line shipped with serials: the scan needs (21) → serial_missing; the
//      serial must have left in this order → serial_not_shipped; once per return → serial_duplicate.
//      Any line: a unit (GTIN + serial) that CheckOptions::serial_owner (the gateway's serial
//      registry) says was picked for another order → serial_not_shipped, naming that order;
//   4. lots, when the line shipped with known lots and the scan reads one: it must be one that
//      left → lot_not_shipped (a unit picked by its plain GTIN left without a known lot);
//   5. units: no more than shipped on the line, earlier returns included → over_return.
//
// Functions over value types; any thread. check_return_item calls CheckOptions::serial_owner, when
// set, on its caller's thread (the station's: the registry reads stations.db on the loop).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/station/return_record.hpp"
#include "daemon/station/scan_check.hpp"

namespace wedge::station {

struct OrderRecord;

// What left in one line of the order.
struct ShippedLine {
  std::string sku;
  std::vector<std::string> gtins;  // 14 digits
  std::int64_t qty = 0;            // units that left
  std::set<std::string> lots;      // lots that left (empty: not known, not checked)
  std::set<std::string> serials;   // serials that left (empty and !capture_serials: not checked)
  bool capture_serials = false;
  std::string location;            // the pick location
  double unit_weight_grams = 0;
};

// From the shipped order's record (picked units, their lots and serials).
[[nodiscard]] std::vector<ShippedLine> shipped_lines(const OrderRecord& order);
// From what the OMS announced, for an order this gateway does not know.
[[nodiscard]] std::vector<ShippedLine> announced_lines(const std::vector<ExpectedItem>& expected);

struct ReturnDecision {
  bool accepted = false;
  std::string code;     // "accepted" or the refusal reason
  std::string message;  // one sentence for the operator
  std::string detail;   // technical, for the event and logs
  ReturnedItem item;    // what was read (line and expected set when accepted)
};

// `returned` holds every unit already returned from this order (graded or pending, this return
// and earlier ones that did not end cancelled).
[[nodiscard]] ReturnDecision check_return_item(const std::vector<ShippedLine>& lines, const ReturnRecord& ret,
                                               const std::vector<ReturnedItem>& returned, std::string_view data,
                                               std::string_view aim_id, const CheckOptions& options);

// The operator sentence for a return refusal code.
[[nodiscard]] std::string_view return_refusal_sentence(std::string_view code) noexcept;

}  // namespace wedge::station
