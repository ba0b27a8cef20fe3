#include "daemon/http/prometheus.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace wedge::http {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_prometheus_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{}", value);
}

void PrometheusText::declare(std::string_view name, std::string_view type, std::string_view help) {
  if (!declared_.insert(std::string(name)).second) return;
  std::string one_line_help;
  for (const char c : help) {
    if (c == '\\') one_line_help += "\\\\";
    else if (c == '\n') one_line_help += "\\n";
    else one_line_help += c;
  }
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, one_line_help, name, type);
}

void PrometheusText::write_sample(std::string_view name, const std::string& value,
                                  const Labels& labels) {
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    bool first = true;
    for (const auto& [key, label_value] : labels) {
      if (!first) text_ += ',';
      first = false;
      text_ += fmt::format("{}=\"{}\"", key, escape_label_value(label_value));
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += value;
  text_ += '\n';
}

void PrometheusText::sample(std::string_view name, double value, const Labels& labels) {
  write_sample(name, format_prometheus_value(value), labels);
}

void PrometheusText::sample(std::string_view name, std::int64_t value, const Labels& labels) {
  write_sample(name, std::to_string(value), labels);
}

void PrometheusText::histogram(std::string_view name,
                               const std::vector<std::pair<double, std::uint64_t>>& buckets,
                               double sum, std::uint64_t count, const Labels& labels) {
  const std::string base(name);
  for (const auto& [upper, cumulative] : buckets) {
    Labels with_le = labels;
    with_le.emplace_back("le", format_prometheus_value(upper));
    write_sample(base + "_bucket", std::to_string(cumulative), with_le);
  }
  Labels inf = labels;
  inf.emplace_back("le", "+Inf");
  write_sample(base + "_bucket", std::to_string(count), inf);
  write_sample(base + "_sum", format_prometheus_value(sum), labels);
  write_sample(base + "_count", std::to_string(count), labels);
}

}  // namespace wedge::http
