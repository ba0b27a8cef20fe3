// The shipping label of a weighed order: the carrier's label from the pick list byte for byte
// (its tracking is what the verify scan must read), else the ZPL template filled (with an SSCC when
// a GS1 company prefix is configured); queue the print job, follow its outcome to the verify phase,
// void it (cancel, address change, new carrier label, reprint) and resume it after a restart.
// Emits label.printed, label.failed and label.voided (docs/workflows.md); while the job waits for a
// printer fault the station's prompt and light show the fault. Owns the SSCC generator and the
// loaded templates. Loop thread only; the print queue reports outcomes on the loop.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/print/sscc.hpp"
#include "daemon/print/zpl_template.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class LabelStep {
 public:
  using Json = StationContext::Json;

  LabelStep(StationContext& ctx, const std::string& state_dir);

  // Prints the order's label on the station's printer (else the order's last printer); on any
  // failure the order moves to label_failed and the station shows why.
  void print(StationRt* st, OrderRecord& order);
  void fail(OrderRecord& order, const std::string& reason);
  // The current label (of the parcel being packed) no longer counts (its SSCC is remembered as voided).
  void void_label(OrderRecord& order, const std::string& reason);
  // Voids the label (printing, printed or verified) of every parcel `affected` names — for a
  // single-parcel order, parcel 1 is its label; a packed parcel goes back to labelling and
  // verification. Returns the voided parcel numbers (label.voided for each).
  std::vector<std::int64_t> void_parcels(OrderRecord& order, const std::string& reason,
                                         const std::function<bool(std::int64_t)>& affected);
  // A print job ended (the print queue's outcome handler).
  void on_outcome(const print::JobOutcome& outcome);
  // A label job waits for its printer (or no longer does): the station's prompt and light say why.
  void on_wait(const print::PrinterWait& wait);
  // After a restart: an order in the label phase prints, or takes its job's known outcome.
  void resume(OrderRecord& order);
  // After a reload: templates are read again from printing.template_dir (which may have changed)
  // at the next label, so an edited template is never served from the cache.
  void reload_templates();

 private:
  struct JobLabel {
    OrderRecord* order = nullptr;
    LabelRecord* label = nullptr;
    std::int64_t parcel = 1;
  };
  // The order and parcel label a print job is for; empty when none (a voided label's job).
  JobLabel label_of_job(const std::string& job_id);
  void void_one(OrderRecord& order, LabelRecord& label, std::int64_t parcel, const std::string& reason);
  // Queues the label's ZPL (template-filled, or the carrier's byte for byte) and records it.
  void queue(StationRt* st, OrderRecord& order, const std::string& printer_id, const std::string& zpl,
             const std::string& sscc_value, const std::string& tracking);

  StationContext& ctx_;
  std::unique_ptr<print::SsccGenerator> sscc_;
  std::string template_dir_;
  std::map<std::string, print::ZplTemplate> templates_;
};

}  // namespace wedge::station
