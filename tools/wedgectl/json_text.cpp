#include "tools/wedgectl/json_text.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace wedge::ctl {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCellChars = 48;

std::string scalar_text(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_null()) return "-";
  if (value.is_bool()) return value.as_bool() ? "yes" : "no";
  return json::serialize(value);
}

bool is_table(const json::array& array) {
  return !array.empty() &&
         std::all_of(array.begin(), array.end(), [](const json::value& v) { return v.is_object(); });
}

std::string table(const json::array& rows, const std::string& indent) {
  std::vector<std::string> columns;
  for (const auto& row : rows)
    for (const auto& field : row.as_object())
      if (std::find(columns.begin(), columns.end(), field.key()) == columns.end())
        columns.emplace_back(field.key());
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> width;
  for (const auto& column : columns) width.push_back(column.size());
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto* field = row.as_object().if_contains(columns[i]);
      std::string text = field ? scalar_text(*field) : "-";
      std::replace(text.begin(), text.end(), '\n', ' ');
      if (text.size() > kMaxCellChars) text = text.substr(0, kMaxCellChars - 3) + "...";
      width[i] = std::max(width[i], text.size());
      line.push_back(std::move(text));
    }
    cells.push_back(std::move(line));
  }
  auto format_line = [&](const std::vector<std::string>& line) {
    std::string out = indent;
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(width[i] - line[i].size() + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::vector<std::string> header;
  for (const auto& column : columns) {
    std::string upper = column;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    header.push_back(std::move(upper));
  }
  std::string out = format_line(header);
  for (const auto& line : cells) out += format_line(line);
  return out;
}

void render(const json::value& value, const std::string& indent, std::string& out) {
  if (value.is_object()) {
    for (const auto& field : value.as_object()) {
      const auto& v = field.value();
      if (v.is_object() && !v.as_object().empty()) {
        out += indent + std::string(field.key()) + ":\n";
        render(v, indent + "  ", out);
      } else if (v.is_array() && is_table(v.as_array())) {
        out += indent + std::string(field.key()) + ":\n";
        out += table(v.as_array(), indent + "  ");
      } else if (v.is_array()) {
        std::string items;
        for (const auto& item : v.as_array()) items += (items.empty() ? "" : ", ") + scalar_text(item);
        out += indent + std::string(field.key()) + ": " + (items.empty() ? "-" : items) + "\n";
      } else {
        out += indent + std::string(field.key()) + ": " + scalar_text(v) + "\n";
      }
    }
  } else if (value.is_array() && is_table(value.as_array())) {
    out += table(value.as_array(), indent);
  } else if (value.is_array() && value.as_array().empty()) {
    out += indent + "(none)\n";
  } else {
    out += indent + scalar_text(value) + "\n";
  }
}

}  // namespace

std::string render_human(const json::value& value) {
  std::string out;
  render(value, "", out);
  return out;
}

}  // namespace wedge::ctl
