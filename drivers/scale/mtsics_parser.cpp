#include "drivers/scale/mtsics_parser.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <vector>

namespace wedge::drivers::scale {

std::string_view to_string(MtSicsStatus status) noexcept {
  switch (status) {
    case MtSicsStatus::stable: return "stable";
    case MtSicsStatus::dynamic: return "dynamic";
    case MtSicsStatus::ack: return "ack";
    case MtSicsStatus::not_executable: return "not_executable";
    case MtSicsStatus::bad_parameter: return "bad_parameter";
    case MtSicsStatus::overload: return "overload";
    case MtSicsStatus::underload: return "underload";
    case MtSicsStatus::syntax_error: return "syntax_error";
    case MtSicsStatus::transmission_error: return "transmission_error";
    case MtSicsStatus::logical_error: return "logical_error";
    case MtSicsStatus::invalid: return "invalid";
  }
  return "invalid";
}

std::optional<double> mtsics_unit_grams(std::string_view unit) {
  if (unit == "g") return 1.0;
  if (unit == "kg") return 1000.0;
  if (unit == "mg") return 0.001;
  if (unit == "t") return 1e6;
  if (unit == "lb") return 453.59237;
  if (unit == "oz") return 28.349523125;
  if (unit == "ct") return 0.2;
  return std::nullopt;
}

namespace {

MtSicsReply invalid(std::string reason) {
  MtSicsReply reply;
  reply.reason = std::move(reason);
  return reply;
}

bool is_id_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@'; }

// Printable text for a reason, so a reason string never carries raw control bytes.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7F) ? std::string(1, c) : fmt::format("\\x{:02X}", u);
  }
  if (text.size() > 40) out += "...";
  return out;
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // from_chars rejects a leading '+'; MT-SICS never sends one, so neither do we accept it.
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-')) return std::nullopt;
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

MtSicsReply parse_mtsics_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.size() > kMaxMtSicsLineLength)
    return invalid(fmt::format("line too long ({} bytes)", line.size()));
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F)
      return invalid(fmt::format("control or non-ASCII byte in \"{}\"", printable(line)));
  }
  std::vector<std::string_view> tokens;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos >= line.size()) break;
    const auto end = line.find(' ', pos);
    const auto stop = end == std::string_view::npos ? line.size() : end;
    tokens.push_back(line.substr(pos, stop - pos));
    pos = stop;
  }
  if (tokens.empty()) return invalid("empty line");
  const auto id = tokens[0];
  if (id.size() > 6)
    return invalid(fmt::format("reply id too long in \"{}\"", printable(line)));
  for (char c : id)
    if (!is_id_char(c)) return invalid(fmt::format("bad reply id in \"{}\"", printable(line)));

  if (tokens.size() == 1) {
    MtSicsReply reply;
    if (id == "ES") {
      reply.status = MtSicsStatus::syntax_error;
      reply.reason = "ES: syntax error (command not understood)";
    } else if (id == "ET") {
      reply.status = MtSicsStatus::transmission_error;
      reply.reason = "ET: transmission error (parity or framing)";
    } else if (id == "EL") {
      reply.status = MtSicsStatus::logical_error;
      reply.reason = "EL: logical error (parameter not allowed)";
    } else {
      return invalid(fmt::format("no status in \"{}\"", printable(line)));
    }
    return reply;
  }

  MtSicsReply reply;
  reply.command = std::string(id);
  const auto status = tokens[1];
  if (status.size() != 1) return invalid(fmt::format("bad status in \"{}\"", printable(line)));
  const auto simple = [&](MtSicsStatus s, std::string_view what) {
    if (tokens.size() != 2)
      return invalid(fmt::format("unexpected fields after status in \"{}\"", printable(line)));
    reply.status = s;
    reply.reason = fmt::format("{} {}: {}", id, status, what);
    return reply;
  };
  switch (status[0]) {
    case 'I': return simple(MtSicsStatus::not_executable, "command not executable now");
    case 'L': return simple(MtSicsStatus::bad_parameter, "parameter wrong or out of range");
    case '+': return simple(MtSicsStatus::overload, "overload (above the weighing range)");
    case '-': return simple(MtSicsStatus::underload, "underload (below the weighing range)");
    case 'A': {
      reply.status = MtSicsStatus::ack;
      const auto rest_at = static_cast<std::size_t>(status.data() - line.data()) + 1;
      auto rest = line.substr(rest_at);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      reply.fields = std::string(rest);
      return reply;
    }
    case 'S':
    case 'D': {
      if (tokens.size() != 4)
        return invalid(fmt::format("expected value and unit in \"{}\"", printable(line)));
      const auto value = parse_number(tokens[2]);
      if (!value) return invalid(fmt::format("bad weight value in \"{}\"", printable(line)));
      for (char c : tokens[3])
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
          return invalid(fmt::format("bad unit in \"{}\"", printable(line)));
      reply.status = status[0] == 'S' ? MtSicsStatus::stable : MtSicsStatus::dynamic;
      reply.value = *value;
      reply.unit = std::string(tokens[3]);
      return reply;
    }
    default: break;
  }
  return invalid(fmt::format("unknown status in \"{}\"", printable(line)));
}

}  // namespace wedge::drivers::scale
