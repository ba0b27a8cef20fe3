// The shipping label of a weighed order: fill the ZPL template (with an SSCC when a GS1 company
// prefix is configured), queue the print job, follow its outcome to the verify phase, void it
// (cancel, address change, reprint) and resume it after a restart. Emits label.printed,
// label.failed and label.voided (docs/workflows.md). Owns the SSCC generator and the loaded
// templates. Loop thread only; the print queue reports outcomes on the loop.
#pragma once

#include <map>
#include <memory>
#include <string>

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
  // The current label no longer counts (its SSCC is remembered as voided).
  void void_label(OrderRecord& order, const std::string& reason);
  // A print job ended (the print queue's outcome handler).
  void on_outcome(const print::JobOutcome& outcome);
  // After a restart: an order in the label phase prints, or takes its job's known outcome.
  void resume(OrderRecord& order);
  // After a reload: templates are read again from printing.template_dir (which may have changed)
  // at the next label, so an edited template is never served from the cache.
  void reload_templates();

 private:
  StationContext& ctx_;
  std::unique_ptr<print::SsccGenerator> sscc_;
  std::string template_dir_;
  std::map<std::string, print::ZplTemplate> templates_;
};

}  // namespace wedge::station
