// The pick list the station domain tests check scans against (built through parse_pick_list, so
// every scan test also exercises the validator on a realistic body).
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "daemon/station/order.hpp"

namespace wedge::station::testing {

// Lines: 0 A-1 (GTIN of the GS1 vectors, 20), 1 B-7 (EAN-13, 2), 2 C-3 (GTIN-8, 1),
// 3 D-4 (GTIN-12, serials, 3), 4 E-5 (GTIN-14, lots L1/L2, 30 days, 10), 5 F-6 (100 days, 5).
inline constexpr const char* kOrderJson = R"({
  "ship_date": "2025-06-16",
  "carrier": "DHL",
  "label_template": "dhl-parcel",
  "label_fields": {"service": "express"},
  "ship_to": {"name": "Erika Mustermann", "lines": ["Hauptstr. 5"], "postcode": "10115",
              "city": "Berlin", "country": "DE"},
  "packaging_weight_grams": 120,
  "weight_tolerance_grams": 20,
  "weight_tolerance_percent": 2.5,
  "lines": [
    {"sku": "A-1", "gtins": ["09506000134352"], "qty": 20, "location": "R1-01", "unit_weight_grams": 250},
    {"sku": "B-7", "gtins": ["4006381333931", "5901234123457"], "qty": 2, "location": "R1-02"},
    {"sku": "C-3", "gtins": ["96385074", "02345680"], "qty": 1, "location": "R1-03"},
    {"sku": "D-4", "gtins": ["036000291452", "416000336108"], "qty": 3, "location": "R2-01",
     "capture_serials": true},
    {"sku": "E-5", "gtins": ["24012345678905"], "qty": 10, "location": "R2-02",
     "allowed_lots": ["L1", "L2"], "min_shelf_life_days": 30},
    {"sku": "F-6", "gtins": ["7612345678900"], "qty": 5, "location": "R2-03", "min_shelf_life_days": 100}
  ]})";

inline PickList test_order() {
  auto result = parse_pick_list("O-1001", "st1", boost::json::parse(kOrderJson));
  EXPECT_TRUE(result) << (result.error().empty() ? "" : result.error().front().message);
  return result ? *result : PickList{};
}

}  // namespace wedge::station::testing
