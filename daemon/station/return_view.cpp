// ReturnStep::view (return_step.hpp): the returns part of a station snapshot — what the return
// expects, what was scanned and graded, the unit waiting for its grade, and the grade buttons.
#include <boost/json.hpp>

#include <algorithm>

#include "daemon/station/return_step.hpp"

namespace wedge::station {

namespace json = boost::json;

bool ReturnStep::view(const StationRt& st, StationSnapshot& s) const {
  if (!st.has("returns")) return false;
  const auto it = at_station_.find(st.id);
  const ReturnRecord* ret = it == at_station_.end() ? nullptr : find(it->second);
  if (!ret) {
    // A station that only takes returns waits for a parcel; one with other steps shows those.
    if (st.cfg->steps.size() != 1) return false;
    s.prompt = st.attention.empty() ? "Scan the RMA, the order barcode or the shipping label of a returned parcel."
                                    : st.attention;
    return true;
  }
  const auto grades = grades_of(st);
  json::object v;
  v["return_id"] = ret->return_id;
  v["rma"] = ret->announced ? json::value(ret->return_id) : json::value(nullptr);
  v["order_id"] = ret->order_id;
  v["announced"] = ret->announced;
  v["status"] = to_string(ret->status);
  json::array expected;
  for (std::size_t i = 0; i < ret->expected.size(); ++i) {
    const auto& e = ret->expected[i];
    expected.push_back(json::object{{"sku", e.sku},
                                    {"gtin", e.gtin},
                                    {"qty", e.qty},
                                    {"returned", ret->units_for(static_cast<int>(i))},
                                    {"reason", e.reason}});
  }
  v["expected"] = std::move(expected);
  json::array items;
  for (const auto& i : ret->items)
    items.push_back(json::object{{"sku", i.sku}, {"lot", i.lot}, {"serial", i.serial}, {"grade", i.grade},
                                 {"disposition", i.disposition}, {"location", i.location}});
  v["items"] = std::move(items);
  v["pending"] = ret->pending ? json::value(json::object{{"sku", ret->pending->sku},
                                                         {"gtin", ret->pending->gtin},
                                                         {"lot", ret->pending->lot},
                                                         {"serial", ret->pending->serial}})
                              : json::value(nullptr);
  json::array buttons;
  for (const auto& g : grades.all) {
    const bool restock = std::find(grades.restock.begin(), grades.restock.end(), g) != grades.restock.end();
    buttons.push_back(json::object{{"grade", g}, {"barcode", grades.prefix + g},
                                   {"disposition", restock ? "restock" : "quarantine"}});
  }
  v["grades"] = std::move(buttons);
  v["parcel_grams"] = ret->parcel_grams ? json::value(*ret->parcel_grams) : json::value(nullptr);
  v["expected_grams"] = ret->expected_grams ? json::value(*ret->expected_grams) : json::value(nullptr);
  s.return_view = std::move(v);
  s.order_id = ret->order_id;
  s.step = "returns";
  s.phase = ret->pending ? "grade" : "items";
  s.status = std::string(to_string(ret->status));
  if (ret->status == ReturnStatus::held || ret->status == ReturnStatus::cancelled)
    s.prompt = "Return " + ret->return_id + (ret->status == ReturnStatus::held ? " is on hold" : " was cancelled") +
               ": set the parcel aside and scan " + ret->return_id + ".";
  else if (!st.attention.empty())
    s.prompt = st.attention;
  else if (ret->pending)
    s.prompt = "Grade " + ret->pending->sku + ": scan a condition barcode or press a grade button.";
  else if (ret->announced)
    s.prompt = "Scan the next item (" + std::to_string(ret->items.size()) + " of " +
               std::to_string(ret->units_expected()) + " graded); scan " + ret->return_id + " to finish.";
  else
    s.prompt = "Scan each item; scan " + ret->order_id + " again to finish.";
  return true;
}

}  // namespace wedge::station
