// The stations' periodic checks: every KPI window (kpi.interval_s, aligned to the epoch) the
// closed window goes out as station.kpi telemetry; every options.at_risk_check, orders whose step
// runs past its station's time_limits are reported once per step (order.at_risk) and the queue
// index is recounted. Loop thread only; the timer callbacks are dropped once the context is gone.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include "daemon/station/station_context.hpp"

namespace wedge::station {

class PeriodicChecks {
 public:
  using Json = StationContext::Json;

  explicit PeriodicChecks(StationContext& ctx);

  void start();
  void stop();
  [[nodiscard]] std::chrono::milliseconds kpi_interval() const { return kpi_interval_; }

 private:
  void arm_kpi_window();
  void publish_kpis();
  void arm_risk_check();
  void check_time_limits();
  // The station working on the order; else one that can take it in its current step.
  [[nodiscard]] TimeLimits limits_for(const OrderRecord& order) const;

  StationContext& ctx_;
  std::chrono::milliseconds kpi_interval_;
  boost::asio::steady_timer kpi_timer_;
  boost::asio::steady_timer risk_timer_;
};

}  // namespace wedge::station
