#include "daemon/views/kpi_trend.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "daemon/core/rfc3339.hpp"

namespace wedge {

namespace json = boost::json;
using station::KpiFigures;
using station::KpiTracker;

namespace {

// 1234567 → "1,234,567" (rounded to a whole number).
std::string grouped(double value) {
  const auto whole = static_cast<long long>(std::llround(std::fabs(value)));
  std::string digits = std::to_string(whole);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (value < 0 && whole != 0 ? "-" : "") + out;
}

json::object counts_json(const std::map<std::string, std::int64_t>& counts) {
  json::object out;
  for (const auto& [key, n] : counts) out[key] = n;
  return out;
}

std::optional<double> positive(double target) { return target > 0 ? std::optional<double>(target) : std::nullopt; }

// Text for SVG: the labels are our own, but a station id or a reason could hold '<' or '&'.
std::string xml_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

TrendSeries series(std::string kpi, std::string label, std::string unit, const std::vector<KpiFigures>& buckets,
                   std::optional<double> (*value)(const KpiFigures&), std::optional<double> target, bool is_min) {
  TrendSeries s{std::move(kpi), std::move(label), std::move(unit), {}, {}, target, is_min};
  for (const auto& b : buckets) {
    s.starts_unix_ms.push_back(b.start_unix_ms);
    s.values.push_back(value(b));
  }
  return s;
}

}  // namespace

std::string format_for_people(double value, const std::string& unit) {
  if (unit == "per_hour") return grouped(value) + "/h";
  if (unit == "ratio") return fmt::format("{:.1f} %", value * 100.0);
  if (unit == "s") {
    if (std::fabs(value) >= 3600) return fmt::format("{:.1f} h", value / 3600.0);
    if (std::fabs(value) >= 120) return fmt::format("{:.1f} min", value / 60.0);
    return fmt::format("{:.1f} s", value);
  }
  return grouped(value);
}

std::vector<TrendSeries> kpi_trends(const KpiTracker& kpis, const KpiTargets& targets, const std::string& station,
                                    std::int64_t now_unix_ms) {
  const auto buckets = kpis.trend(station, now_unix_ms);
  std::vector<TrendSeries> out;
  out.push_back(series("picks_per_hour", "Picks per hour", "per_hour", buckets,
                       [](const KpiFigures& f) { return f.picks_per_hour(); }, positive(targets.picks_per_hour_min),
                       true));
  out.push_back(series(
      "orders_shipped", "Orders shipped per 10 min", "count", buckets,
      [](const KpiFigures& f) { return std::optional<double>(static_cast<double>(f.fulfilment_seconds.size())); },
      std::nullopt, false));
  out.push_back(series("fulfilment_p90", "Fulfilment time p90", "s", buckets,
                       [](const KpiFigures& f) { return station::nearest_rank(f.fulfilment_seconds, 0.9); },
                       positive(targets.fulfilment_p90_max_s), false));
  out.push_back(series("refused_scan_rate", "Refused scans", "ratio", buckets,
                       [](const KpiFigures& f) { return f.refused_rate(); }, positive(targets.refused_scan_rate_max),
                       false));
  out.push_back(series("weight_mismatch_rate", "Weight mismatches", "ratio", buckets,
                       [](const KpiFigures& f) { return f.mismatch_rate(); },
                       positive(targets.weight_mismatch_rate_max), false));
  return out;
}

std::string trend_svg(const TrendSeries& s) {
  constexpr double kWidth = 320, kHeight = 96, kLeft = 4, kRight = 316, kTop = 22, kBottom = 80;
  double top = 0;
  for (const auto& v : s.values)
    if (v) top = std::max(top, *v);
  if (s.target) top = std::max(top, *s.target);
  if (!(top > 0)) top = 1;
  top *= 1.1;
  const auto n = s.values.size();
  const auto x = [&](std::size_t i) { return n < 2 ? kLeft : kLeft + (kRight - kLeft) * static_cast<double>(i) / static_cast<double>(n - 1); };
  const auto y = [&](double v) { return kBottom - (kBottom - kTop) * std::clamp(v / top, 0.0, 1.0); };

  std::optional<double> last;
  for (const auto& v : s.values)
    if (v) last = v;
  const std::string title = s.label + ": " + (last ? format_for_people(*last, s.unit) : "–") +
                            (s.target ? " (target " + std::string(s.target_is_min ? "≥ " : "≤ ") +
                                            format_for_people(*s.target, s.unit) + ")"
                                      : "");
  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="trend" data-kpi="{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img">)",
      s.kpi, kWidth, kHeight, kWidth, kHeight);
  out += "<title>" + xml_escaped(title) + "</title>";
  out += fmt::format(R"(<text class="trend-title" x="{}" y="14" font-size="12">{}</text>)", kLeft, xml_escaped(title));
  out += fmt::format(R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="1"/>)", kLeft,
                     kBottom, kRight, kBottom);
  if (s.target)
    out += fmt::format(
        R"(<line class="target" x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#c0392b" stroke-width="1" stroke-dasharray="4 3"/>)",
        kLeft, y(*s.target), kRight, y(*s.target));
  // One polyline per run of buckets with a value: a bucket without one is a gap (a lone value is a dot).
  std::vector<std::pair<double, double>> run;
  const auto flush = [&] {
    if (run.size() == 1) {
      out += fmt::format(R"(<circle class="value" cx="{:.1f}" cy="{:.1f}" r="2" fill="#2c6fbb"/>)", run[0].first,
                         run[0].second);
    } else if (run.size() > 1) {
      out += R"(<polyline class="value" fill="none" stroke="#2c6fbb" stroke-width="2" points=")";
      for (std::size_t i = 0; i < run.size(); ++i)
        out += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", run[i].first, run[i].second);
      out += "\"/>";
    }
    run.clear();
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (s.values[i]) run.emplace_back(x(i), y(*s.values[i]));
    else flush();
  }
  flush();
  out += fmt::format(R"(<text x="{}" y="94" font-size="10" fill="#666">−8 h</text>)", kLeft);
  out += fmt::format(R"(<text x="{}" y="94" font-size="10" fill="#666" text-anchor="end">now</text>)", kRight);
  out += "</svg>";
  return out;
}

json::value kpi_trend_json(const station::Stations& stations, const KpiTargets& targets, const std::string& station,
                           std::int64_t now_unix_ms) {
  json::array kpis;
  for (const auto& s : kpi_trends(stations.kpis(), targets, station, now_unix_ms)) {
    json::array points;
    for (std::size_t i = 0; i < s.values.size(); ++i)
      points.push_back(json::object{{"start", core::format_rfc3339_ms(s.starts_unix_ms[i])},
                                    {"value", s.values[i] ? json::value(*s.values[i]) : json::value(nullptr)}});
    kpis.push_back(json::object{{"kpi", s.kpi},
                                {"label", s.label},
                                {"unit", s.unit},
                                {"target", s.target ? json::value(*s.target) : json::value(nullptr)},
                                {"target_is_min", s.target_is_min},
                                {"points", std::move(points)},
                                {"svg", trend_svg(s)}});
  }
  json::array days;
  for (const auto& day : stations.kpis().days(now_unix_ms)) {
    days.push_back(json::object{{"start", core::format_rfc3339_ms(day.start_unix_ms)},
                                {"units_picked", day.units_picked},
                                {"scans", day.scan_count()},
                                {"refused_scans", day.refused_count()},
                                {"cancellations_requested", counts_json(day.cancellations_requested)},
                                {"cancellations_intercepted", counts_json(day.cancellations)},
                                {"returns_by_grade", counts_json(day.returns)}});
  }
  return json::object{{"station", station},
                      {"bucket_s", KpiTracker::kTrendBucketMs / 1000},
                      {"kpis", std::move(kpis)},
                      {"days", std::move(days)}};
}

}  // namespace wedge
