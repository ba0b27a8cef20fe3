// The parcels of an order in several survive the stored record's JSON round trip (a restart
// resumes each parcel), a single-parcel record gains no parcel fields, and the parcel helpers say
// which parcel is packed next and what is still outside every parcel.
#include <gtest/gtest.h>

#include "daemon/station/parcels.hpp"
#include "daemon/station/workflow_order.hpp"

namespace wedge::station {
namespace {

OrderRecord two_lines() {
  OrderRecord r;
  r.order_id = "O-P";
  r.command_station = "st1";
  r.pick_list_json = R"({"lines":[{"sku":"A-1","qty":2,"location":"R1-01","unit_weight_grams":250},
                                  {"sku":"B-7","qty":1,"location":"R1-02","unit_weight_grams":100}]})";
  auto parsed = parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
  EXPECT_TRUE(parsed);
  r.pick_list = *parsed;
  r.pick.lines.resize(2);
  r.pick.lines[0].picked = 2;
  r.pick.lines[1].picked = 1;
  r.step = Step::pack;
  r.phase = Phase::verify;
  return r;
}

TEST(ParcelRecord, RoundTripKeepsEveryParcel) {
  auto r = two_lines();
  ParcelRecord first = new_parcel_record(r);
  first.units = {1, 0};
  first.closed = true;
  first.measured_grams = 371.5;
  first.label.state = LabelState::verified;
  first.label.sscc = "340123450000000011";
  first.label.tracking = "340123450000000011";
  first.packed = true;
  first.loaded = true;
  r.parcels.push_back(first);
  ParcelRecord second = new_parcel_record(r);
  second.units = {1, 0};
  second.closed = true;
  second.measured_grams = 366;
  second.label.state = LabelState::printed;
  second.label.job_id = "job-2";
  second.label.printer_id = "printer-1";
  second.label.sscc = "340123450000000028";
  r.parcels.push_back(second);
  r.loading_station = "ship-1";

  auto back = order_record_from_json(order_record_json(r));
  ASSERT_TRUE(back) << back.reason();
  ASSERT_EQ(back->parcels.size(), 2u);
  EXPECT_EQ(back->parcels[1].number, 2);
  EXPECT_EQ(back->parcels[0].units, (std::vector<std::int64_t>{1, 0}));
  EXPECT_TRUE(back->parcels[0].packed);
  EXPECT_TRUE(back->parcels[0].loaded);
  EXPECT_DOUBLE_EQ(back->parcels[1].measured_grams.value(), 366);
  EXPECT_EQ(back->parcels[1].label.state, LabelState::printed);
  EXPECT_EQ(back->parcels[1].label.job_id, "job-2");
  EXPECT_EQ(back->loading_station, "ship-1");
  EXPECT_EQ(order_record_json(*back), order_record_json(r));
  // Parcel 2 is the one being packed: its label is the one to verify; B-7 is still outside.
  EXPECT_EQ(parcel_number(*back), 2);
  EXPECT_EQ(label_of(*back).sscc, "340123450000000028");
  EXPECT_EQ(parcel_phase(back->parcels[1]), Phase::verify);
  EXPECT_EQ(units_left(*back), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(parcels_to_load(*back), (std::vector<std::int64_t>{2}));
}

TEST(ParcelRecord, ASingleParcelRecordHasNoParcelFields) {
  const auto r = two_lines();
  const auto text = order_record_json(r);
  EXPECT_EQ(text.find("\"parcels\""), std::string::npos) << text;
  EXPECT_EQ(parcel_number(r), 1);
  EXPECT_EQ(parcels_json(r).size(), 1u);
}

TEST(ParcelRecord, APlanBecomesClosedParcels) {
  auto r = two_lines();
  r.pick_list_json = R"({"lines":[{"sku":"A-1","qty":2,"location":"R1-01"},{"sku":"B-7","qty":1,"location":"R1-02"}],
                        "parcels":[{"lines":[{"sku":"A-1","qty":2}]},{"lines":[{"sku":"B-7","qty":1}]}]})";
  auto parsed = parse_pick_list_json(r.order_id, r.command_station, r.pick_list_json);
  ASSERT_TRUE(parsed);
  r.pick_list = *parsed;
  const auto planned = planned_parcels(r);
  ASSERT_EQ(planned.size(), 2u);
  EXPECT_TRUE(planned[0].closed);
  EXPECT_EQ(planned[1].units, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(parcel_phase(planned[0]), Phase::weigh);
}

}  // namespace
}  // namespace wedge::station
