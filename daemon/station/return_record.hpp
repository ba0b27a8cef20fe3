// The model of one customer return at a returns station (docs/workflows.md, "Returns"): what the
// OMS announced (return.expected), how the parcel was identified, every item scanned and graded,
// and where it stands. Serialised to one JSON document per return by return_record_json() and
// stored by ReturnStore (return_store.hpp), so that a restart resumes a return in the middle.
//
// Status: expected (announced, parcel not here yet) → open (identified at a station) → completed;
// held (resumes where it was on release) and cancelled (final) as for orders.
//
// Value types and pure functions; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/result.hpp"
#include "daemon/station/order.hpp"

namespace wedge::station {

enum class ReturnStatus { expected, open, held, cancelled, completed };
[[nodiscard]] std::string_view to_string(ReturnStatus status) noexcept;
[[nodiscard]] std::optional<ReturnStatus> return_status_from(std::string_view text) noexcept;

// One item the OMS expects back (an entry of return.expected's "items").
struct ExpectedItem {
  std::string sku;
  std::string gtin;  // 14 digits, or empty (known by SKU only)
  std::int64_t qty = 1;
  std::string lot;                   // empty = any lot
  std::vector<std::string> serials;  // the serials expected back (at most qty)
  std::string putaway_location;      // where a resellable unit goes back
  std::string reason;                // the customer's reason, as the OMS gave it
};

// One unit scanned from the parcel (graded, or waiting for its grade).
struct ReturnedItem {
  std::string sku;
  std::string gtin;
  std::string lot;
  std::string serial;
  std::string barcode;        // as scanned
  int line = -1;              // the shipped order's line, -1 when the order is not known here
  int expected = -1;          // the ExpectedItem it answers, -1 when it was not announced
  std::string grade;          // "" while waiting for it
  std::string disposition;    // restock | quarantine
  std::string location;       // putaway (restock) or quarantine location printed on the label
  std::string job_id;         // the label's print job
};

struct ReturnRecord {
  std::string return_id;  // the RMA when announced, else "R-<order_id>-<n>"
  std::string order_id;   // the order the goods left in
  bool announced = false;
  ReturnStatus status = ReturnStatus::expected;
  std::string station;         // the station working on it, "" while not at one
  std::string identified_by;   // rma | order_id | sscc
  std::string barcode;         // the identifying scan
  std::vector<ExpectedItem> expected;
  std::vector<ReturnedItem> items;     // graded, in scan order
  std::optional<ReturnedItem> pending; // scanned, waiting for its grade
  std::optional<double> parcel_grams;
  std::optional<double> expected_grams;
  std::string hold_reason;
  std::string cancel_reason;
  std::int64_t announced_unix_ms = 0;
  std::int64_t started_unix_ms = 0;  // identified at a station (0: not yet)
  std::int64_t ended_unix_ms = 0;    // completed or cancelled (0 while open)

  [[nodiscard]] bool final() const {
    return status == ReturnStatus::completed || status == ReturnStatus::cancelled;
  }
  // Units expected back in all (0 when unannounced).
  [[nodiscard]] std::int64_t units_expected() const;
  // Graded units that answer expected item `index`.
  [[nodiscard]] std::int64_t units_for(int index) const;
  // Every expected unit graded.
  [[nodiscard]] bool all_expected_returned() const;
  // Graded units by grade.
  [[nodiscard]] std::map<std::string, std::int64_t> totals() const;
};

[[nodiscard]] std::string return_record_json(const ReturnRecord& record);
// A damaged document is an invalid_argument error with the reason.
[[nodiscard]] core::Result<ReturnRecord> return_record_from_json(std::string_view json);

// The "items" of a return.expected command's data, strictly checked (unknown fields are errors);
// every issue with its path ("data.items[1].gtin"), as for a pick list.
using ExpectedItemsValidation = core::Result<std::vector<ExpectedItem>, std::vector<OrderIssue>>;
[[nodiscard]] ExpectedItemsValidation parse_expected_items(std::string_view data_json);

}  // namespace wedge::station
