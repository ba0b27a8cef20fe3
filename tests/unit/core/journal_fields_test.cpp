// The journal fields taken from a log line's tags (daemon/core/journal_fields.hpp), on the lines
// wedge writes at its main station, order and device log points.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "daemon/core/journal_fields.hpp"

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
using wedge::core::journal_fields;

TEST(JournalFields, StationAndOrderOfAScanRefusal) {
  EXPECT_EQ(journal_fields("station=pack-1 order=SO-1001 scan refused code=wrong_item detail=\"x\""),
            (Fields{{"STATION", "pack-1"}, {"ORDER_ID", "SO-1001"}}));
}

TEST(JournalFields, DeviceBeforeAColon) {
  EXPECT_EQ(journal_fields("device=scale-1 kind=scale driver=mt-sics-tcp: starting"), (Fields{{"DEVICE", "scale-1"}}));
  EXPECT_EQ(journal_fields("device=printer-1: paper out"), (Fields{{"DEVICE", "printer-1"}}));
}

TEST(JournalFields, EventIdAndValuesEndingAtPunctuation) {
  EXPECT_EQ(journal_fields("stored (event_id=0b6f-11; order=SO-7, station=ship-1)"),
            (Fields{{"EVENT_ID", "0b6f-11"}, {"ORDER_ID", "SO-7"}, {"STATION", "ship-1"}}));
}

TEST(JournalFields, OnlyWholeTagsEmptyValuesAndRepeatsLeftOut) {
  // "reorder=" and "substation=" are not tags; an empty order is no field; the first station counts.
  EXPECT_EQ(journal_fields("reorder=1 substation=x order= station=a station=b"), (Fields{{"STATION", "a"}}));
  EXPECT_EQ(journal_fields("no tags here"), Fields{});
  EXPECT_EQ(journal_fields(""), Fields{});
}

}  // namespace
