// Orders in several parcels (issue 20 item 2) with the real scale, light and ZPL printer
// simulators: the packer opens parcels with the station's new-parcel barcode (or the screen's
// button), scans the items of each, and each parcel is weighed against its items, gets its own
// SSCC label and is verified by scan; the ship step wants every parcel and refuses another
// order's. A 3-parcel order goes through a restart, a cancel between parcels and an address change
// after the second label; a hold and a weight hold resume the parcel; a pick list's planned
// parcels with one carrier label each.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

const std::string kNewParcel = "NEW-PARCEL";
const std::string kGtinA = "9506000134352";  // A-1, 250 g, 2 ordered
const std::string kGtinB = "4006381333931";  // B-7, 100 g, 1 ordered

EnvOptions parcel_options() {
  EnvOptions options;
  options.stations_yaml =
      "  - {id: st1, steps: [pick, pack, ship], scale: scale-1, printer: printer-1, light: light-1, "
      "new_parcel_barcode: " + kNewParcel + "}\n";
  return options;
}

double grams(const boost::json::object& data, const char* key) { return data.at(key).to_number<double>(); }

std::int64_t parcel_of(const Event& e) { return e.data.at("parcel").as_int64(); }

// Picks order_body() for `order_id` at st1 and opens parcel 1 with the new-parcel barcode (or the
// button). The scale moves, so no weight is taken before the parcel opens.
void open_parcels(StationEnv& env, const std::string& order_id, bool by_button = false) {
  env.pick_list(order_id);
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == order_id; }));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  ASSERT_TRUE(env.scale_sim().command("unstable 40"));
  EXPECT_EQ(env.scan(order_id).verdict, "accepted");
  if (by_button) {
    std::optional<station::ActionResult> pressed;
    env.stations().new_parcel("st1", [&](const station::ActionResult& r) { pressed = r; });
    ASSERT_TRUE(env.run_until([&] { return pressed.has_value() && env.snap().phase == "fill"; }));
    EXPECT_TRUE(*pressed) << pressed->error().reason;
    EXPECT_EQ(env.snap().last_scan.code, "parcel_opened");
  } else {
    EXPECT_EQ(env.scan(kNewParcel).code, "parcel_opened");
  }
  EXPECT_EQ(env.snap().phase, "fill");
}

// The scale shows `grams`, steady: the parcel closed next is weighed at that.
void put_on_scale(StationEnv& env, double grams) {
  env.set_weight(grams);
  ASSERT_TRUE(env.scale_sim().command("stable"));
}

// Waits for the `n`-th label.printed of the order and the verify phase; returns that label's SSCC.
std::string wait_label(StationEnv& env, const std::string& order_id, std::size_t n) {
  EXPECT_TRUE(env.wait_event(order_id, "label.printed", n));
  EXPECT_TRUE(env.run_until([&] { return env.snap().phase == "verify"; }));
  const auto labels = env.events_of(order_id, "label.printed");
  return labels.size() >= n ? str(labels[n - 1].data, "sscc") : std::string();
}

// Parcel 1 holds one A-1 (370 g) and is packed; parcel 2 holds the other A-1 and its label is
// printed (phase verify). Returns the two SSCCs.
std::pair<std::string, std::string> two_labels(StationEnv& env, const std::string& order_id) {
  EXPECT_EQ(env.scan(kGtinA).code, "parcel_item");
  put_on_scale(env, 372);
  EXPECT_EQ(env.scan(kNewParcel).code, "parcel_closed");
  const auto sscc1 = wait_label(env, order_id, 1);
  EXPECT_EQ(env.scan("]C100" + sscc1).code, "parcel_packed");
  EXPECT_TRUE(env.run_until([&] { return env.snap().phase == "fill"; }));
  EXPECT_EQ(env.scan(kGtinA).code, "parcel_item");
  EXPECT_EQ(env.scan(kGtinA).code, "already_in_parcel");  // both A-1 are in parcels now
  put_on_scale(env, 366);
  EXPECT_EQ(env.scan(kNewParcel).code, "parcel_closed");
  const auto sscc2 = wait_label(env, order_id, 2);
  return {sscc1, sscc2};
}

TEST(StationParcels, ThreeParcelsPackedThroughARestartAndShippedTogether) {
  StationEnv env(parcel_options());
  // Another order, packed in one parcel, waits for ship: its parcel must not mix with ours.
  env.pick_list("O-ONE");
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-ONE"; }));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  const std::string other = env.pack_to_label("O-ONE");
  EXPECT_EQ(env.scan("]C100" + other).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-ONE", "pack.completed"));
  const auto one = env.events_of("O-ONE", "pack.completed").at(0).data;
  ASSERT_EQ(one.at("parcels").as_array().size(), 1u);  // a single parcel lists itself
  EXPECT_EQ(str(one.at("parcels").as_array()[0].as_object(), "sscc"), other);

  open_parcels(env, "O-P3");
  EXPECT_EQ(env.scan(kNewParcel).code, "parcel_empty");  // nothing in parcel 1 yet
  const auto [sscc1, sscc2] = two_labels(env, "O-P3");
  ASSERT_EQ(sscc1.size(), 18u);
  ASSERT_EQ(sscc2.size(), 18u);
  EXPECT_NE(sscc1, sscc2);

  // A restart between the second label and its verify scan resumes there.
  env.restart();
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-P3" && env.snap().phase == "verify"; }));
  EXPECT_EQ(env.snap().label_sscc, sscc2);
  EXPECT_EQ(env.scan("]C100" + sscc1).code, "wrong_label");  // parcel 1's label is not parcel 2's
  EXPECT_EQ(env.scan("]C100" + sscc2).code, "parcel_packed");
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "fill"; }));
  // The last unit closes the last parcel by itself.
  put_on_scale(env, 225);
  EXPECT_EQ(env.scan(kGtinB).code, "parcel_item");
  const auto sscc3 = wait_label(env, "O-P3", 3);
  EXPECT_EQ(env.scan("]C100" + sscc3).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-P3", "pack.completed"));

  // Each parcel was weighed against its own items and has its own label.
  const auto weights = env.events_of("O-P3", "weight.ok");
  ASSERT_EQ(weights.size(), 3u);
  const double expected[] = {370, 370, 220};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(parcel_of(weights[i]), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(str(weights[i].data, "weight_basis"), "parcel");
    EXPECT_DOUBLE_EQ(grams(weights[i].data, "expected_grams"), expected[i]);
  }
  const auto labels = env.events_of("O-P3", "label.printed");
  ASSERT_EQ(labels.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(parcel_of(labels[i]), static_cast<std::int64_t>(i + 1));
  const auto packed = env.events_of("O-P3", "parcel.packed");
  ASSERT_EQ(packed.size(), 3u);
  EXPECT_EQ(packed[2].data.at("lines").as_array().at(0).as_object().at("sku"), "B-7");
  EXPECT_EQ(str(packed[1].data, "sscc"), sscc2);
  const auto completed = env.events_of("O-P3", "pack.completed").at(0).data;
  ASSERT_EQ(completed.at("parcels").as_array().size(), 3u);
  EXPECT_DOUBLE_EQ(grams(completed, "measured_grams"), 372 + 366 + 225);

  // Ship: every parcel, and nothing of another order in between.
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id.empty(); }));
  EXPECT_EQ(env.scan("]C100" + sscc2).code, "parcel_loaded");
  const auto refused = env.scan("]C100" + other);
  EXPECT_EQ(refused.code, "other_order");
  EXPECT_NE(refused.message.find("scan parcel 1, 3"), std::string::npos) << refused.message;
  EXPECT_EQ(env.scan("O-P3").code, "scan_parcels");
  EXPECT_NE(env.snap().prompt.find("scan parcel 1, 3"), std::string::npos) << env.snap().prompt;
  env.restart();  // the station still loads O-P3 after a restart
  EXPECT_EQ(env.scan("]C100" + other).code, "other_order");
  EXPECT_EQ(env.scan("]C100" + sscc2).code, "already_loaded");
  EXPECT_EQ(env.scan("]C100" + sscc1).code, "parcel_loaded");
  EXPECT_TRUE(env.events_of("O-P3", "order.shipped").empty());
  EXPECT_EQ(env.scan("]C100" + sscc3).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-P3", "order.shipped"));
  const auto shipped = env.events_of("O-P3", "order.shipped").at(0).data;
  const auto& parcels = shipped.at("parcels").as_array();
  ASSERT_EQ(parcels.size(), 3u);
  const std::string ssccs[] = {sscc1, sscc2, sscc3};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(parcels[i].as_object().at("parcel").as_int64(), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(str(parcels[i].as_object(), "sscc"), ssccs[i]);
  }
  // Now the other order's parcel ships.
  EXPECT_EQ(env.scan("]C100" + other).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-ONE", "order.shipped"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id.empty(); }));
  EXPECT_EQ(env.scan("]C100" + sscc2).code, "already_shipped");

  // After a restart the shipped orders are read back from stations.db only when named: each
  // parcel's label still names its order, as it did in memory.
  env.options().final_order_in_memory = std::chrono::milliseconds(100);
  env.restart();
  EXPECT_EQ(env.stations().orders_in_memory(), 0u);
  for (const auto& sscc : ssccs) EXPECT_EQ(env.scan("]C100" + sscc).code, "already_shipped") << sscc;
  EXPECT_EQ(env.scan("]C100" + other).code, "already_shipped");
}

TEST(StationParcels, CancelBetweenParcelsVoidsThePackedParcelsLabel) {
  StationEnv env(parcel_options());
  open_parcels(env, "O-PC", true);  // the screen's button
  EXPECT_EQ(env.scan(kGtinA).code, "parcel_item");
  put_on_scale(env, 370);
  EXPECT_EQ(env.scan(kNewParcel).code, "parcel_closed");
  const auto sscc1 = wait_label(env, "O-PC", 1);
  EXPECT_EQ(env.scan("]C100" + sscc1).code, "parcel_packed");
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "fill"; }));
  EXPECT_EQ(env.scan(kGtinA).code, "parcel_item");

  auto cancelled = env.apply(command(CommandType::order_cancel, "O-PC", R"({"reason":"customer"})"));
  EXPECT_TRUE(cancelled.accepted) << cancelled.reason;
  EXPECT_EQ(cancelled.intercepted_step, "pack");
  ASSERT_TRUE(env.wait_event("O-PC", "label.voided"));
  const auto voided = env.events_of("O-PC", "label.voided");
  ASSERT_EQ(voided.size(), 1u);  // parcel 2 had no label yet
  EXPECT_EQ(parcel_of(voided[0]), 1);
  EXPECT_EQ(str(voided[0].data, "sscc"), sscc1);
  EXPECT_EQ(str(voided[0].data, "reason"), "cancelled");
  EXPECT_EQ(env.scan("]C100" + sscc1).code, "order_cancelled");
  EXPECT_EQ(env.scan(kNewParcel).code, "order_cancelled");
  EXPECT_EQ(env.scan("O-PC").code, "set_aside");
  EXPECT_TRUE(env.events_of("O-PC", "pack.completed").empty());
}

TEST(StationParcels, AddressChangeAfterTheSecondLabelReprintsBothLabels) {
  StationEnv env(parcel_options());
  open_parcels(env, "O-PA");
  const auto [sscc1, sscc2] = two_labels(env, "O-PA");

  auto updated = env.apply(command(CommandType::order_update, "O-PA", order_body("", "Hamburg")));
  EXPECT_TRUE(updated.accepted) << updated.reason;
  ASSERT_TRUE(env.wait_event("O-PA", "order.updated"));
  const auto update = env.events_of("O-PA", "order.updated").at(0).data;
  EXPECT_TRUE(update.at("address_changed").as_bool());
  EXPECT_TRUE(update.at("label_reprinted").as_bool());
  ASSERT_EQ(update.at("voided_parcels").as_array().size(), 2u);
  const auto voided = env.events_of("O-PA", "label.voided");
  ASSERT_EQ(voided.size(), 2u);
  EXPECT_EQ(str(voided[0].data, "sscc"), sscc1);
  EXPECT_EQ(str(voided[1].data, "sscc"), sscc2);
  EXPECT_EQ(str(voided[1].data, "reason"), "address_changed");

  // Parcel 1 first: its new label, then parcel 2's; the old labels are refused.
  const auto new1 = wait_label(env, "O-PA", 3);
  EXPECT_EQ(parcel_of(env.events_of("O-PA", "label.printed").at(2)), 1);
  ASSERT_TRUE(env.run_until([&] { return env.printer().count() >= 3; }));
  std::string paper;
  // Named: a range-for over render().labels.back() would read a destroyed temporary (C++20).
  const auto rendered = env.printer().render();
  ASSERT_FALSE(rendered.labels.empty());
  for (const auto& f : rendered.labels.back().fields) paper += f.text + "|";
  EXPECT_NE(paper.find("10115 Hamburg"), std::string::npos) << paper;
  EXPECT_EQ(env.scan("]C100" + sscc1).code, "label_voided");
  EXPECT_EQ(env.scan("]C100" + new1).code, "parcel_packed");
  const auto new2 = wait_label(env, "O-PA", 4);
  EXPECT_EQ(parcel_of(env.events_of("O-PA", "label.printed").at(3)), 2);
  EXPECT_EQ(env.events_of("O-PA", "weight.ok").size(), 2u);  // not weighed again
  EXPECT_EQ(env.scan("]C100" + sscc2).code, "label_voided");
  EXPECT_EQ(env.scan("]C100" + new2).code, "parcel_packed");
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "fill"; }));
  put_on_scale(env, 220);
  EXPECT_EQ(env.scan(kGtinB).code, "parcel_item");
  const auto new3 = wait_label(env, "O-PA", 5);
  EXPECT_EQ(env.scan("]C100" + new3).verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-PA", "pack.completed"));
  const auto parcels = env.events_of("O-PA", "pack.completed").at(0).data.at("parcels").as_array();
  ASSERT_EQ(parcels.size(), 3u);
  EXPECT_EQ(str(parcels[0].as_object(), "sscc"), new1);
  EXPECT_EQ(str(parcels[1].as_object(), "sscc"), new2);
}

TEST(StationParcels, HoldAndReleaseResumeTheParcelBeingPacked) {
  StationEnv env(parcel_options());
  open_parcels(env, "O-PH");
  EXPECT_EQ(env.scan(kGtinA).code, "parcel_item");
  // The OMS holds the order while parcel 1 is filled: scans are refused until it is released.
  EXPECT_TRUE(env.apply(command(CommandType::order_hold, "O-PH", R"({"reason":"check"})")).accepted);
  EXPECT_EQ(env.scan(kGtinA).code, "order_held");
  EXPECT_TRUE(env.apply(command(CommandType::order_release, "O-PH")).accepted);
  EXPECT_EQ(env.snap().phase, "fill");
  // A wrong weight holds the order at parcel 1; released, parcel 1 is weighed again.
  put_on_scale(env, 500);
  EXPECT_EQ(env.scan(kNewParcel).code, "parcel_closed");
  ASSERT_TRUE(env.wait_event("O-PH", "weight.mismatch"));
  const auto mismatch = env.events_of("O-PH", "weight.mismatch").at(0);
  EXPECT_EQ(parcel_of(mismatch), 1);
  EXPECT_DOUBLE_EQ(grams(mismatch.data, "expected_grams"), 370);
  ASSERT_TRUE(env.wait_event("O-PH", "order.held", 2));
  put_on_scale(env, 371);
  EXPECT_TRUE(env.apply(command(CommandType::order_release, "O-PH")).accepted);
  const auto sscc1 = wait_label(env, "O-PH", 1);
  EXPECT_EQ(parcel_of(env.events_of("O-PH", "weight.ok").at(0)), 1);
  EXPECT_EQ(env.scan("]C100" + sscc1).code, "parcel_packed");
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "fill"; }));
}

// The pick list plans two parcels, each with the carrier's label: no new-parcel scan, each parcel
// weighed against its planned items, verified and shipped by its own tracking number.
TEST(StationParcels, PlannedParcelsWithACarrierLabelEach) {
  StationEnv env(parcel_options());
  auto zpl = [](const std::string& tracking) {
    return "^XA^FO40,40^A0N,36,36^FDUPS^FS^FO40,200^BCN,180,Y,N,N^FD" + tracking + "^FS^XZ";
  };
  auto base64 = [](const std::string& bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
      const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
      unsigned v = 0;
      for (std::size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
      for (std::size_t k = 0; k < 4; ++k) out.push_back(k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=');
    }
    return out;
  };
  std::string body = order_body();
  body.pop_back();
  body += R"(,"parcels":[{"lines":[{"sku":"A-1","qty":2}]},{"lines":[{"sku":"B-7","qty":1}]}],)"
          R"("carrier_labels":[{"parcel":1,"tracking":"1ZPARCEL1","zpl_base64":")" + base64(zpl("1ZPARCEL1")) +
          R"("},{"parcel":2,"tracking":"1ZPARCEL2","zpl_base64":")" + base64(zpl("1ZPARCEL2")) + R"("}]})";
  env.pick_list("O-PP", body);
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id == "O-PP"; }));
  env.pick_all();
  ASSERT_TRUE(env.run_until([&] { return env.snap().phase == "identify"; }));
  put_on_scale(env, 615);  // parcel 1: 120 + 2 x 250
  EXPECT_EQ(env.scan("O-PP").verdict, "accepted");
  wait_label(env, "O-PP", 1);
  const auto first = env.events_of("O-PP", "label.printed").at(0).data;
  EXPECT_EQ(str(first, "tracking"), "1ZPARCEL1");
  EXPECT_TRUE(first.at("carrier_label").as_bool());
  put_on_scale(env, 222);  // parcel 2 is weighed as soon as parcel 1 is packed
  EXPECT_EQ(env.scan("1ZPARCEL2").code, "wrong_label");
  EXPECT_EQ(env.scan("1ZPARCEL1").code, "parcel_packed");
  wait_label(env, "O-PP", 2);
  EXPECT_EQ(str(env.events_of("O-PP", "label.printed").at(1).data, "tracking"), "1ZPARCEL2");
  const auto weights = env.events_of("O-PP", "weight.ok");
  ASSERT_EQ(weights.size(), 2u);
  EXPECT_DOUBLE_EQ(grams(weights[0].data, "expected_grams"), 620);
  EXPECT_DOUBLE_EQ(grams(weights[1].data, "expected_grams"), 220);
  EXPECT_EQ(env.scan("1ZPARCEL2").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-PP", "pack.completed"));
  ASSERT_TRUE(env.run_until([&] { return env.snap().order_id.empty(); }));
  EXPECT_EQ(env.scan("1ZPARCEL1").code, "parcel_loaded");
  EXPECT_EQ(env.scan("1ZPARCEL2").verdict, "accepted");
  ASSERT_TRUE(env.wait_event("O-PP", "order.shipped"));
  const auto parcels = env.events_of("O-PP", "order.shipped").at(0).data.at("parcels").as_array();
  ASSERT_EQ(parcels.size(), 2u);
  EXPECT_EQ(str(parcels[1].as_object(), "tracking"), "1ZPARCEL2");
  // A carrier's label is known by its tracking number, also once the order left memory.
  env.options().final_order_in_memory = std::chrono::milliseconds(100);
  env.restart();
  EXPECT_EQ(env.stations().orders_in_memory(), 0u);
  EXPECT_EQ(env.scan("1ZPARCEL2").code, "already_shipped");
  EXPECT_EQ(env.scan("1ZPARCEL1").code, "already_shipped");
}

// A plan that leaves a unit out of every parcel rejects the pick list.
TEST(StationParcels, APlanMustPutEveryUnitInAParcel) {
  StationEnv env(parcel_options());
  std::string body = order_body();
  body.pop_back();
  body += R"(,"parcels":[{"lines":[{"sku":"A-1","qty":1}]},{"lines":[{"sku":"B-7","qty":1}]}]})";
  auto o = env.apply(command(CommandType::pick_list, "O-PX", body));
  EXPECT_FALSE(o.accepted);
  EXPECT_EQ(o.code, "invalid_pick_list");
  EXPECT_NE(o.reason.find("1 units of 'A-1', the order has 2"), std::string::npos) << o.reason;
}

}  // namespace
}  // namespace wedge::test
