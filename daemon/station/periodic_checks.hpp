// The stations' periodic checks: every KPI window (kpi.interval_s, aligned to the epoch) the
// closed window goes out as station.kpi telemetry; every options.at_risk_check, the open orders'
// risks are checked (order_risk.hpp: order.at_risk, order.back_on_track) and the queue index is
// recounted. Loop thread only; the timer callbacks are dropped once the context is gone.
//
// The KPIs survive restarts: start() restores the tracker from kpi.db (KpiStore), and the tracker
// is saved there when a window closes, every kKpiSaveEvery while figures change, and at stop().
// A failed save or restore is logged and the figures go on in memory.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include "daemon/kpi/kpi_store.hpp"
#include "daemon/station/order_risk.hpp"
#include "daemon/station/station_context.hpp"

namespace wedge::station {

class PeriodicChecks {
 public:
  using Json = StationContext::Json;

  // How long new KPI figures may wait in memory only (what a crash can lose of them).
  static constexpr std::chrono::seconds kKpiSaveEvery{5};

  // Opens (creating) `kpi_db`; throws std::runtime_error when it cannot (start-up).
  PeriodicChecks(StationContext& ctx, const std::string& kpi_db);
  // Saves figures that came in after stop() (events committed while the daemon shut down).
  ~PeriodicChecks();
  PeriodicChecks(const PeriodicChecks&) = delete;
  PeriodicChecks& operator=(const PeriodicChecks&) = delete;

  void start();
  void stop();
  [[nodiscard]] std::chrono::milliseconds kpi_interval() const { return kpi_interval_; }

 private:
  void arm_kpi_window();
  void restore_kpis();
  void arm_kpi_save();
  void save_kpis();
  void publish_kpis();
  void arm_risk_check();

  StationContext& ctx_;
  std::chrono::milliseconds kpi_interval_;
  boost::asio::steady_timer kpi_timer_;
  boost::asio::steady_timer risk_timer_;
  OrderRisk risk_;
  kpi::KpiStore kpi_store_;
  boost::asio::steady_timer save_timer_;
  std::uint64_t saved_revision_ = 0;
  bool restored_ = false;
};

}  // namespace wedge::station
