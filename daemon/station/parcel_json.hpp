// The parcels of an order in its stored record (workflow_order.hpp, order_record_json): a
// "parcels" array and "loading_station", written only for an order packed in several parcels so
// a single-parcel record stays exactly as before. Pure functions; any thread.
#pragma once

#include <boost/json/object.hpp>

#include "daemon/station/workflow_order.hpp"

namespace wedge::station {

// A label (the order's, or a parcel's) in the record: state, job_id, printer_id, sscc, tracking,
// error, voided_sscc. Reading tolerates missing or mistyped fields (they stay empty).
[[nodiscard]] boost::json::object label_record_json(const LabelRecord& label, const boost::json::storage_ptr& sp);
[[nodiscard]] LabelRecord label_record_from(const boost::json::object& o);

// Adds the order's parcel fields to its record document (nothing for a single-parcel order).
void write_parcels(boost::json::object& record, const OrderRecord& order);
// Reads them back; absent or damaged entries leave the order single-parcel.
void read_parcels(const boost::json::object& record, OrderRecord& order);

}  // namespace wedge::station
