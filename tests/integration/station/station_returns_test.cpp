// The returns station end to end against the real simulators (scale and light on Modbus TCP, the
// ZPL printer on TCP), events read back from the outbox, OMS commands through the real command
// journal: an order is picked, packed and shipped at st1, then comes back at the returns station
// rt1 — announced (return.expected) or not — with every refusal, hold/release/cancel, a restart
// in the middle of a return, a reload that would take its station away, and the scale check.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/station/station_env.hpp"

namespace wedge::test {
namespace {

using commands::CommandType;

// st1 picks, packs and ships; rt1 takes returns and prints on the same printer.
const std::string kStations =
    "  - {id: st1, steps: [pick, pack, ship], scale: scale-1, printer: printer-1, light: light-1}\n"
    "  - {id: rt1, steps: [returns], printer: printer-1}\n";

// order_body() plus D-4 with serials (2 units). A-1 is picked from lot LOT1.
const std::string kSerialLine =
    R"(,{"sku":"D-4","gtins":["036000291452"],"qty":2,"location":"R2-01","capture_serials":true})";
const std::string kA1Lot1 = "]C10109506000134352" "10LOT1";
const std::string kB7 = "4006381333931";
const std::string kD4 = "]C10100036000291452" "21";

EnvOptions returns_options() {
  EnvOptions o;
  o.stations_yaml = kStations;
  return o;
}

// The env with the shipped templates in its template folder.
void add_return_templates(StationEnv& env) {
  for (const char* name : {"restock.zpl", "quarantine.zpl"})
    std::filesystem::copy_file(std::string(WEDGE_SOURCE_DIR) + "/config/templates/" + name,
                               env.dir().file(std::string("templates/") + name));
}

// Picks, packs and ships `order_id` at st1; returns its SSCC.
std::string ship(StationEnv& env, const std::string& order_id) {
  env.pick_list(order_id, order_body(kSerialLine));
  EXPECT_TRUE(env.run_until([&] { return env.snap().order_id == order_id; }));
  EXPECT_EQ(env.scan(kA1Lot1).verdict, "accepted");
  EXPECT_EQ(env.scan(kA1Lot1).verdict, "accepted");
  EXPECT_EQ(env.scan(kB7).verdict, "accepted");
  EXPECT_EQ(env.scan(kD4 + "SN1").verdict, "accepted");
  EXPECT_EQ(env.scan(kD4 + "SN2").verdict, "accepted");
  const std::string sscc = env.pack_to_label(order_id);
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  EXPECT_TRUE(env.wait_event(order_id, "pack.completed"));
  EXPECT_EQ(env.scan("]C100" + sscc).verdict, "accepted");
  EXPECT_TRUE(env.wait_event(order_id, "order.shipped"));
  return sscc;
}

std::string return_command(const std::string& type, const std::string& id, const std::string& return_id,
                           const std::string& order_id, const std::string& data) {
  return R"({"id":")" + id + R"(","schema":1,"type":")" + type + R"(","return_id":")" + return_id + "\"" +
         (order_id.empty() ? "" : R"(,"order_id":")" + order_id + "\"") + R"(,"data":)" + data + "}";
}

// RMA-1 for O-1: one A-1 (back to R9-01) and the D-4 with serial SN1.
const std::string kExpected =
    R"({"items":[{"sku":"A-1","gtin":"09506000134352","qty":1,"putaway_location":"R9-01","reason":"too small"},
                 {"sku":"D-4","gtin":"036000291452","qty":1,"serials":["SN1"],"reason":"broken"}]})";

std::string all_label_text(StationEnv& env) {
  std::string all;
  for (const auto& label : env.printer().render().labels)
    for (const auto& f : label.fields) all += f.text + "|";
  return all;
}

const boost::json::object& return_view(const station::StationSnapshot& s) { return s.return_view; }

TEST(StationReturns, AnnouncedReturnWithADamagedItem) {
  StationEnv env(returns_options());
  add_return_templates(env);
  ship(env, "O-1");
  const auto labels_before = env.printer().count();
  auto announced = env.deliver("return.expected", return_command("return.expected", "r-1", "RMA-1", "O-1", kExpected));
  ASSERT_TRUE(announced.reply.accepted) << announced.reply.reason;
  ASSERT_TRUE(announced.outcome && announced.outcome->accepted) << announced.outcome->code;

  EXPECT_EQ(env.snap("rt1").prompt, "Scan the RMA, the order barcode or the shipping label of a returned parcel.");
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "return_received");
  auto s = env.snap("rt1");
  EXPECT_EQ(s.order_id, "O-1");
  EXPECT_EQ(s.step, "returns");
  ASSERT_FALSE(return_view(s).empty());
  EXPECT_EQ(str(return_view(s), "return_id"), "RMA-1");
  EXPECT_EQ(return_view(s).at("expected").as_array().size(), 2u);
  EXPECT_EQ(return_view(s).at("grades").as_array().size(), 4u);

  auto item = env.scan(kA1Lot1, "rt1");
  EXPECT_EQ(item.verdict, "attention");
  EXPECT_EQ(item.code, "grade_item");
  EXPECT_EQ(env.snap("rt1").phase, "grade");
  auto graded = env.scan("GRADE:resellable", "rt1");
  EXPECT_EQ(graded.verdict, "accepted");
  EXPECT_EQ(graded.code, "restock");
  EXPECT_EQ(env.scan(kD4 + "SN1", "rt1").code, "grade_item");
  EXPECT_EQ(env.scan("GRADE:damaged", "rt1").code, "quarantine");
  // Every announced unit graded: the return completes by itself.
  ASSERT_TRUE(env.wait_event("O-1", "return.completed"));
  EXPECT_TRUE(return_view(env.snap("rt1")).empty());

  const std::vector<std::string> types = {"return.received", "return.item_graded", "return.item_graded",
                                          "return.completed"};
  std::vector<std::string> seen;
  for (const auto& t : env.types_of("O-1"))
    if (t.starts_with("return.")) seen.push_back(t);
  EXPECT_EQ(seen, types);
  auto first = env.events_of("O-1", "return.item_graded").at(0).data;
  EXPECT_EQ(str(first, "grade"), "resellable");
  EXPECT_EQ(str(first, "disposition"), "restock");
  EXPECT_EQ(str(first, "location"), "R9-01");
  EXPECT_EQ(str(first, "lot"), "LOT1");
  auto second = env.events_of("O-1", "return.item_graded").at(1).data;
  EXPECT_EQ(str(second, "disposition"), "quarantine");
  EXPECT_EQ(str(second, "serial"), "SN1");
  auto done = env.events_of("O-1", "return.completed").at(0).data;
  EXPECT_EQ(str(done, "rma"), "RMA-1");
  EXPECT_EQ(done.at("totals").at("resellable").as_int64(), 1);
  EXPECT_EQ(done.at("totals").at("damaged").as_int64(), 1);
  EXPECT_TRUE(done.at("missing").as_array().empty());
  EXPECT_EQ(done.at("units_received").as_int64(), 2);

  // A restock and a quarantine label, each with what the operator needs.
  ASSERT_TRUE(env.run_until([&] { return env.printer().count() >= labels_before + 2; }));
  const auto text = all_label_text(env);
  EXPECT_NE(text.find("RESTOCK"), std::string::npos) << text;
  EXPECT_NE(text.find("R9-01"), std::string::npos) << text;
  EXPECT_NE(text.find("QUARANTINE"), std::string::npos) << text;
  // The completed return takes no more scans of its RMA.
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "return_completed");
}

TEST(StationReturns, UnannouncedReturnRefusesASerialNeverShipped) {
  StationEnv env(returns_options());
  add_return_templates(env);
  const std::string sscc = ship(env, "O-1");
  // The parcel's own shipping label identifies it.
  EXPECT_EQ(env.scan("]C100" + sscc, "rt1").code, "return_received");
  auto received = env.events_of("O-1", "return.received").at(0).data;
  EXPECT_EQ(str(received, "return_id"), "R-O-1-1");
  EXPECT_FALSE(received.at("announced").as_bool());
  EXPECT_EQ(str(received, "identified_by"), "sscc");

  auto refused = env.scan(kD4 + "SN9", "rt1");
  EXPECT_EQ(refused.verdict, "refused");
  EXPECT_EQ(refused.code, "serial_not_shipped");
  ASSERT_TRUE(env.wait_event("O-1", "return.discrepancy"));
  auto discrepancy = env.events_of("O-1", "return.discrepancy").at(0).data;
  EXPECT_EQ(str(discrepancy, "kind"), "serial_not_shipped");
  EXPECT_EQ(str(discrepancy, "serial"), "SN9");

  EXPECT_EQ(env.scan(kD4 + "SN2", "rt1").code, "grade_item");
  EXPECT_EQ(env.scan("GRADE:resellable", "rt1").code, "restock");
  // Unannounced: the operator closes it with the order barcode; the pick location is the putaway.
  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_completed");
  ASSERT_TRUE(env.wait_event("O-1", "return.completed"));
  EXPECT_EQ(str(env.events_of("O-1", "return.item_graded").at(0).data, "location"), "R2-01");
  auto done = env.events_of("O-1", "return.completed").at(0).data;
  EXPECT_EQ(done.at("totals").at("resellable").as_int64(), 1);
  EXPECT_TRUE(done.at("rma").is_null());
}

TEST(StationReturns, AUnitPickedForAnotherOrderIsNamedWhenItComesBackInTheWrongReturn) {
  // O-1 left from this gateway with D-4 SN1 and SN2 (the serial registry holds them for O-1). The
  // OMS announces a return of O-9, an order this gateway never saw, naming D-4 without serials.
  StationEnv env(returns_options());
  add_return_templates(env);
  ship(env, "O-1");
  const std::string items = R"({"items":[{"sku":"D-4","gtin":"036000291452","qty":2,"reason":"broken"}]})";
  auto announced = env.deliver("return.expected", return_command("return.expected", "r-9", "RMA-9", "O-9", items));
  ASSERT_TRUE(announced.reply.accepted) << announced.reply.reason;
  ASSERT_TRUE(announced.outcome && announced.outcome->accepted) << announced.outcome->code;
  EXPECT_EQ(env.scan("RMA-9", "rt1").code, "return_received");

  auto refused = env.scan(kD4 + "SN1", "rt1");
  EXPECT_EQ(refused.verdict, "refused");
  EXPECT_EQ(refused.code, "serial_not_shipped");
  EXPECT_NE(refused.message.find("(order O-1)"), std::string::npos) << refused.message;
  ASSERT_TRUE(env.wait_event("O-9", "return.discrepancy"));
  auto discrepancy = env.events_of("O-9", "return.discrepancy").at(0).data;
  EXPECT_EQ(str(discrepancy, "kind"), "serial_not_shipped");
  EXPECT_EQ(str(discrepancy, "serial"), "SN1");
  EXPECT_NE(str(discrepancy, "detail").find("picked in order O-1, not in order O-9"), std::string::npos)
      << str(discrepancy, "detail");
  // A unit this gateway never picked is what the OMS announced: it is graded.
  EXPECT_EQ(env.scan(kD4 + "SN5", "rt1").code, "grade_item");
}

TEST(StationReturns, EveryRefusal) {
  StationEnv env(returns_options());
  add_return_templates(env);
  ship(env, "O-1");
  env.pick_list("O-2");  // waits at st1, never shipped
  EXPECT_EQ(env.scan("NOPE-1", "rt1").code, "unknown_return");
  EXPECT_EQ(env.scan("O-2", "rt1").code, "order_not_shipped");

  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_received");
  EXPECT_EQ(env.scan("GRADE:damaged", "rt1").code, "nothing_to_grade");
  struct Case {
    std::string scan;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"5901234123457", "not_shipped"},                  // never in this order
      {"]C10100036000291452", "serial_missing"},         // D-4 left with serials
      {kD4 + "SN7", "serial_not_shipped"},               // not a serial of this order
      {"]C10109506000134352" "10LOT9", "lot_not_shipped"},
      {"HELLO", "unknown_barcode"},
      {"]C100201234560000000012", "not_an_item"},
      {"4006381333932", "bad_check_digit"},
  };
  for (const auto& c : cases) {
    auto verdict = env.scan(c.scan, "rt1");
    EXPECT_EQ(verdict.verdict, "refused") << c.scan;
    EXPECT_EQ(verdict.code, c.code) << c.scan;
    EXPECT_FALSE(verdict.message.empty());
  }
  EXPECT_EQ(env.scan(kB7, "rt1").code, "grade_item");
  EXPECT_EQ(env.scan(kD4 + "SN1", "rt1").code, "grade_pending");
  EXPECT_EQ(env.scan("O-1", "rt1").code, "grade_pending");  // no completion with a unit in hand
  EXPECT_EQ(env.scan("GRADE:shiny", "rt1").code, "unknown_grade");
  EXPECT_EQ(env.scan("GRADE:wrong_item", "rt1").code, "quarantine");
  EXPECT_EQ(env.scan(kB7, "rt1").code, "over_return");  // one B-7 shipped
  EXPECT_EQ(env.scan(kD4 + "SN1", "rt1").code, "grade_item");
  EXPECT_EQ(env.scan("GRADE:missing_parts", "rt1").code, "quarantine");
  EXPECT_EQ(env.scan(kD4 + "SN1", "rt1").code, "serial_duplicate");
  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_completed");

  // A second parcel of the same order: what came back before counts.
  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_received");
  EXPECT_EQ(env.scan(kB7, "rt1").code, "over_return");
  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_completed");

  // The item refusals reach the OMS as discrepancies, every refusal as scan.refused.
  std::vector<std::string> kinds;
  for (const auto& e : env.events_of("O-1", "return.discrepancy")) kinds.push_back(str(e.data, "kind"));
  const std::vector<std::string> expected_kinds = {"not_shipped", "serial_not_shipped", "lot_not_shipped",
                                                   "over_return", "serial_duplicate", "over_return"};
  EXPECT_EQ(kinds, expected_kinds);
  std::size_t refused = 0;
  for (const auto& e : env.events_of("O-1", "scan.refused"))
    if (str(e.data, "step") == "returns") ++refused;
  EXPECT_EQ(refused, cases.size() + 7);

  // Command refusals: a return announced twice, an unknown one, a release of one not held, bad items.
  ASSERT_TRUE(env.deliver("return.expected", return_command("return.expected", "r-1", "RMA-2", "O-1", kExpected))
                  .reply.accepted);
  auto twice = env.deliver("return.expected", return_command("return.expected", "r-2", "RMA-2", "O-1", kExpected));
  EXPECT_FALSE(twice.reply.accepted);
  EXPECT_EQ(commands::to_string(*twice.reply.code), "order_exists");
  auto unknown = env.deliver("return.hold", return_command("return.hold", "r-3", "RMA-404", "", "{}"));
  EXPECT_EQ(commands::to_string(*unknown.reply.code), "unknown_return");
  auto not_held = env.deliver("return.release", return_command("return.release", "r-4", "RMA-2", "", "{}"));
  EXPECT_EQ(commands::to_string(*not_held.reply.code), "invalid_state");
  auto bad = env.deliver("return.expected", return_command("return.expected", "r-5", "RMA-3", "O-1",
                                                           R"({"items":[{"sku":"A-1","gtin":"123","qty":1,"colour":"red"}]})"));
  ASSERT_TRUE(bad.outcome.has_value());
  EXPECT_FALSE(bad.outcome->accepted);
  EXPECT_EQ(bad.outcome->code, "invalid_return");
  ASSERT_TRUE(env.wait_event("O-1", "return.rejected"));
  EXPECT_EQ(env.events_of("O-1", "return.rejected").at(0).data.at("issues").as_array().size(), 2u);
}

TEST(StationReturns, HoldReleaseAndCancelWorkLikeOrders) {
  StationEnv env(returns_options());
  add_return_templates(env);
  ship(env, "O-1");
  ASSERT_TRUE(env.deliver("return.expected", return_command("return.expected", "r-1", "RMA-1", "O-1", kExpected))
                  .reply.accepted);
  // Held before the parcel arrives: it is refused at the station.
  ASSERT_TRUE(env.deliver("return.hold", return_command("return.hold", "r-2", "RMA-1", "", R"({"reason":"fraud check"})"))
                  .reply.accepted);
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "return_held");
  ASSERT_TRUE(env.deliver("return.release", return_command("return.release", "r-3", "RMA-1", "", "{}")).reply.accepted);
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "return_received");
  EXPECT_EQ(env.scan(kA1Lot1, "rt1").code, "grade_item");
  // Held while at the station: items are refused, the RMA sets the parcel aside.
  ASSERT_TRUE(env.deliver("return.hold", return_command("return.hold", "r-4", "RMA-1", "", "{}")).reply.accepted);
  EXPECT_EQ(env.snap("rt1").status, "held");
  EXPECT_EQ(env.scan(kB7, "rt1").code, "return_held");
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "set_aside");
  EXPECT_TRUE(return_view(env.snap("rt1")).empty());
  ASSERT_TRUE(env.deliver("return.release", return_command("return.release", "r-5", "RMA-1", "", "{}")).reply.accepted);
  // Resumed where it was: the unit still waits for its grade.
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "return_received");
  EXPECT_TRUE(env.events_of("O-1", "return.received").back().data.at("resumed").as_bool());
  EXPECT_EQ(env.snap("rt1").phase, "grade");
  EXPECT_EQ(env.scan("GRADE:resellable", "rt1").code, "restock");
  // Cancelled at the station: what was graded stays graded; the parcel is set aside.
  ASSERT_TRUE(env.deliver("return.cancel", return_command("return.cancel", "r-6", "RMA-1", "", R"({"reason":"refund refused"})"))
                  .reply.accepted);
  EXPECT_EQ(env.scan(kD4 + "SN1", "rt1").code, "return_cancelled");
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "set_aside");
  EXPECT_EQ(env.scan("RMA-1", "rt1").code, "return_cancelled");
  auto cancel_again = env.deliver("return.cancel", return_command("return.cancel", "r-7", "RMA-1", "", "{}"));
  EXPECT_EQ(commands::to_string(*cancel_again.reply.code), "invalid_state");
  ASSERT_TRUE(env.wait_event("O-1", "return.cancelled"));
  auto cancelled = env.events_of("O-1", "return.cancelled").at(0).data;
  EXPECT_EQ(str(cancelled, "reason"), "refund refused");
  EXPECT_EQ(str(cancelled, "at_station"), "rt1");
  EXPECT_EQ(cancelled.at("units_graded").as_int64(), 1);
  EXPECT_EQ(env.events_of("O-1", "return.held").size(), 2u);
  EXPECT_EQ(env.events_of("O-1", "return.released").size(), 2u);
}

TEST(StationReturns, RestartInTheMiddleOfAReturn) {
  StationEnv env(returns_options());
  add_return_templates(env);
  const std::string sscc = ship(env, "O-1");
  // After a restart the shipped order is no longer in memory: its label, lots and serials are
  // read back from stations.db.
  env.restart();
  EXPECT_EQ(env.scan("]C100" + sscc, "rt1").code, "return_received");
  EXPECT_EQ(env.scan("]C10109506000134352" "10LOT9", "rt1").code, "lot_not_shipped");
  EXPECT_EQ(env.scan(kA1Lot1, "rt1").code, "grade_item");
  EXPECT_EQ(env.scan("GRADE:resellable", "rt1").code, "restock");
  EXPECT_EQ(env.scan(kD4 + "SN2", "rt1").code, "grade_item");
  env.restart();
  // The return is back at rt1 with its graded unit and the unit waiting for its grade.
  auto s = env.snap("rt1");
  ASSERT_FALSE(return_view(s).empty());
  EXPECT_EQ(str(return_view(s), "return_id"), "R-O-1-1");
  EXPECT_EQ(s.phase, "grade");
  EXPECT_EQ(return_view(s).at("items").as_array().size(), 1u);
  EXPECT_EQ(str(return_view(s).at("pending").as_object(), "serial"), "SN2");
  EXPECT_EQ(env.scan(kD4 + "SN2", "rt1").code, "grade_pending");
  EXPECT_EQ(env.scan("GRADE:damaged", "rt1").code, "quarantine");
  EXPECT_EQ(env.scan(kD4 + "SN2", "rt1").code, "serial_duplicate");
  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_completed");
  ASSERT_TRUE(env.wait_event("O-1", "return.completed"));
  auto done = env.events_of("O-1", "return.completed").at(0).data;
  EXPECT_EQ(done.at("totals").at("resellable").as_int64(), 1);
  EXPECT_EQ(done.at("totals").at("damaged").as_int64(), 1);
  // One return.received: the restart resumed it without a second announcement.
  EXPECT_EQ(env.events_of("O-1", "return.received").size(), 1u);
}

TEST(StationReturns, AReloadKeepsAReturnInHandAtItsStation) {
  StationEnv env(returns_options());
  add_return_templates(env);
  ship(env, "O-1");
  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_received");
  auto without = env.config();
  without.stations.pop_back();  // rt1
  auto problems = env.stations().reload_problems(without);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "station rt1 is removed but holds return R-O-1-1: complete or set it aside first");
  auto no_returns = env.config();
  no_returns.stations.back().steps = {"ship"};
  problems = env.stations().reload_problems(no_returns);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "station rt1 would no longer take returns and holds return R-O-1-1: complete or set it aside first");
  EXPECT_EQ(env.scan("O-1", "rt1").code, "return_completed");
  EXPECT_TRUE(env.stations().reload_problems(without).empty());
}

TEST(StationReturns, ScaleChecksAnAnnouncedParcel) {
  EnvOptions o;
  o.stations_yaml =
      "  - {id: st1, steps: [pick, pack, ship, returns], scale: scale-1, printer: printer-1, light: light-1}\n";
  StationEnv env(o);
  add_return_templates(env);
  const std::string sscc = ship(env, "O-1");
  // Expected: packaging 120 g + one A-1 (250 g); D-4 has no unit weight, so only A-1 is announced.
  ASSERT_TRUE(env.deliver("return.expected",
                          return_command("return.expected", "r-1", "RMA-1", "O-1",
                                         R"({"items":[{"sku":"A-1","gtin":"09506000134352","qty":1}]})"))
                  .reply.accepted);
  env.set_weight(900);
  ASSERT_TRUE(env.run_until([&] {
    auto w = env.snap().weight;
    return w.stable && w.live_grams && *w.live_grams > 899;
  }));
  EXPECT_EQ(env.scan("]C100" + sscc).code, "return_received");
  ASSERT_TRUE(env.wait_event("O-1", "return.discrepancy"));
  auto d = env.events_of("O-1", "return.discrepancy").at(0).data;
  EXPECT_EQ(str(d, "kind"), "weight_mismatch");
  EXPECT_DOUBLE_EQ(d.at("parcel_grams").to_number<double>(), 900.0);
  EXPECT_DOUBLE_EQ(d.at("expected_grams").to_number<double>(), 370.0);
  // Completed with the unit missing: the OMS hears what did not come back.
  EXPECT_EQ(env.scan("RMA-1").code, "return_completed");
  ASSERT_TRUE(env.wait_event("O-1", "return.discrepancy", 2));
  auto missing = env.events_of("O-1", "return.discrepancy").at(1).data;
  EXPECT_EQ(str(missing, "kind"), "missing");
  EXPECT_EQ(missing.at("missing").as_array().size(), 1u);
}

}  // namespace
}  // namespace wedge::test
