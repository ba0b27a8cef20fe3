#include "drivers/scanner/aim.hpp"

namespace wedge::drivers::scanner {

namespace {

struct AimRow {
  char code;
  char modifier;              // '*' matches any modifier
  std::string_view symbology;
  bool gs1;
};

// First match wins, so exact modifiers come before the '*' row of their code.
constexpr AimRow kAimTable[] = {
    {'C', '1', "gs1-128", true},
    {'C', '*', "code-128", false},
    {'E', '4', "ean-8", false},
    {'E', '*', "ean-13", false},
    {'e', '*', "gs1-databar", true},
    {'d', '2', "gs1-datamatrix", true},
    {'d', '*', "datamatrix", false},
    {'Q', '3', "gs1-qr", true},
    {'Q', '*', "qr", false},
    {'I', '*', "itf", false},
    {'A', '*', "code-39", false},
    {'F', '*', "codabar", false},
    {'G', '*', "code-93", false},
    {'L', '*', "pdf417", false},
    {'z', '*', "aztec", false},
};

bool is_modifier(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

const AimRow* find_row(std::string_view id) {
  if (id.size() != 3 || id[0] != ']' || !is_modifier(id[2])) return nullptr;
  for (const auto& row : kAimTable)
    if (row.code == id[1] && (row.modifier == '*' || row.modifier == id[2])) return &row;
  return nullptr;
}

}  // namespace

std::string_view symbology_for(std::string_view aim_id) {
  const auto* row = find_row(aim_id);
  return row ? row->symbology : std::string_view("unknown");
}

AimResult parse_aim(std::string_view data) {
  AimResult result;
  result.symbology = "unknown";
  result.payload = data;
  if (data.size() < 3) return result;
  const auto* row = find_row(data.substr(0, 3));
  if (!row) return result;
  result.aim_id = data.substr(0, 3);
  result.symbology = row->symbology;
  result.gs1 = row->gs1;
  result.payload = data.substr(3);
  return result;
}

}  // namespace wedge::drivers::scanner
