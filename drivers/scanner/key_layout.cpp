#include "drivers/scanner/key_layout.hpp"

namespace wedge::drivers::scanner {

namespace {

// US (ANSI) layout; codes from linux/input-event-codes.h.
constexpr KeyMapping kUsKeys[] = {
    {2, '1', '!'},   {3, '2', '@'},   {4, '3', '#'},   {5, '4', '$'},   {6, '5', '%'},
    {7, '6', '^'},   {8, '7', '&'},   {9, '8', '*'},   {10, '9', '('},  {11, '0', ')'},
    {12, '-', '_'},  {13, '=', '+'},
    {16, 'q', 'Q'},  {17, 'w', 'W'},  {18, 'e', 'E'},  {19, 'r', 'R'},  {20, 't', 'T'},
    {21, 'y', 'Y'},  {22, 'u', 'U'},  {23, 'i', 'I'},  {24, 'o', 'O'},  {25, 'p', 'P'},
    {26, '[', '{'},  {27, ']', '}'},
    {30, 'a', 'A'},  {31, 's', 'S'},  {32, 'd', 'D'},  {33, 'f', 'F'},  {34, 'g', 'G'},
    {35, 'h', 'H'},  {36, 'j', 'J'},  {37, 'k', 'K'},  {38, 'l', 'L'},  {39, ';', ':'},
    {40, '\'', '"'}, {41, '`', '~'},  {43, '\\', '|'},
    {44, 'z', 'Z'},  {45, 'x', 'X'},  {46, 'c', 'C'},  {47, 'v', 'V'},  {48, 'b', 'B'},
    {49, 'n', 'N'},  {50, 'm', 'M'},  {51, ',', '<'},  {52, '.', '>'},  {53, '/', '?'},
    {55, '*', '*'},  {57, ' ', ' '},
    // Keypad (Num Lock on): KP7 71 … KP0 82, KPDOT 83, KPMINUS 74, KPPLUS 78, KPSLASH 98.
    {71, '7', '7'},  {72, '8', '8'},  {73, '9', '9'},  {74, '-', '-'},  {75, '4', '4'},
    {76, '5', '5'},  {77, '6', '6'},  {78, '+', '+'},  {79, '1', '1'},  {80, '2', '2'},
    {81, '3', '3'},  {82, '0', '0'},  {83, '.', '.'},  {98, '/', '/'},
};

constexpr KeyLayout kLayouts[] = {
    {"us", kUsKeys},
};

}  // namespace

const KeyMapping* KeyLayout::find(std::uint16_t code) const {
  for (const auto& key : keys)
    if (key.code == code) return &key;
  return nullptr;
}

const KeyLayout* find_layout(std::string_view name) {
  for (const auto& layout : kLayouts)
    if (layout.name == name) return &layout;
  return nullptr;
}

}  // namespace wedge::drivers::scanner
