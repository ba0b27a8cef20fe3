// carrier_label.hpp: base64 decoding and the checks of a carrier's ZPL label.
#include "daemon/print/carrier_label.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace wedge::print {
namespace {

constexpr std::string_view kStores = "stores or deletes an object in the printer's memory";
constexpr std::string_view kRecalls =
    "recalls an object stored on the printer: a carrier label must carry everything it prints";
constexpr std::string_view kConfig = "changes a printer setting that outlives the label";
constexpr std::string_view kSaves = "saves or restores the printer's configuration";
constexpr std::string_view kAnswers = "makes the printer answer on the link, where the driver reads its status";
constexpr std::string_view kPrefix = "changes a command prefix or delimiter: the rest could not be checked";
constexpr std::string_view kNetwork = "changes the printer's network settings";
constexpr std::string_view kRfid = "writes, locks or configures RFID tags";
constexpr std::string_view kControl = "acts on the printer at once (tilde command)";

// Grouped by why each is refused; the commands of a group are separated by spaces.
struct Group {
  std::string_view why;
  std::string_view commands;
};

constexpr std::array kGroups = {
    Group{kStores,
          "^DF ^IS ^ID ^TO ^CM ^JB ~DB ~DE ~DG ~DN ~DS ~DT ~DU ~DY ~EG"},
    Group{kRecalls,
          "^XF ^XG ^IL ^IM"},
    Group{kSaves,
          "^JU"},
    Group{kConfig,
          "^JZ ^JJ ^JS ^JT ^JW ^JH ^JM ^JI ^KC ^KD ^KL ^KN ^KP ^KV ^MF ^ML ^MN ^MP "
          "^MT ^MU ^MW ^SC ^SI ^SL ^SQ ^SS ^ST ^SX ^SZ ^ZZ"},
    Group{kPrefix,
          "^CC ^CD ^CT ~CC ~CD ~CT"},
    Group{kAnswers,
          "^HF ^HG ^HH ^HT ^HV ^HW ^HY ^HZ ~HB ~HD ~HI ~HM ~HQ ~HS ~HU ~WC ~WQ"},
    Group{kNetwork,
          "^NB ^NC ^ND ^NI ^NN ^NP ^NS ^NT ^NW ^WA ^WE ^WI ^WL ^WP ^WR ^WS ~NC ~NT "
          "~WR"},
    Group{kRfid,
          "^HR ^RB ^RF ^RL ^RM ^RN ^RQ ^RR ^RS ^RT ^RU ^RW ^RZ ^WF ^WT"},
    Group{kControl,
          "~JR ~JD ~JE ~JA ~JB ~JC ~JF ~JG ~JL ~JN ~JO ~JP ~JQ ~JS ~JX ~PL ~PP ~PR "
          "~PS ~RO ~SD ~TA"},
};

const std::vector<ForbiddenZplCommand>& forbidden_list() {
  static const std::vector<ForbiddenZplCommand> list = [] {
    std::vector<ForbiddenZplCommand> out;
    for (const auto& group : kGroups)
      for (std::size_t i = 0; i + 3 <= group.commands.size(); i += 4)
        out.push_back({group.commands.substr(i, 3), group.why});
    return out;
  }();
  return list;
}

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return c == ' ' || c == '\r' || c == '\n' || c == '\t'; }

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

core::Error refused(std::string reason) { return core::fail(core::Errc::invalid_argument, std::move(reason)); }

// The quantity of a `^PQ` whose parameters start at `params` (up to the next prefix); 1 if omitted.
long print_quantity(std::string_view params) {
  long quantity = 0;
  std::size_t i = 0;
  for (; i < params.size() && std::isdigit(static_cast<unsigned char>(params[i])); ++i)
    quantity = std::min(quantity * 10 + (params[i] - '0'), 1000000L);
  return i == 0 ? 1 : quantity;
}

}  // namespace

std::span<const ForbiddenZplCommand> forbidden_zpl_commands() noexcept { return forbidden_list(); }

core::Result<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return refused("not base64: the length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && last && k >= 2) {
        ++pad;
        v[k] = 0;
        continue;
      }
      v[k] = pad > 0 ? -1 : base64_value(c);
      if (v[k] < 0) return refused(fmt::format("not base64: unexpected character at offset {}", i + static_cast<std::size_t>(k)));
    }
    const unsigned bits = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                          (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    out.push_back(static_cast<char>((bits >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((bits >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(bits & 0xFF));
  }
  return out;
}

core::Status check_carrier_zpl(std::string_view zpl) {
  if (zpl.size() > kMaxCarrierLabelBytes)
    return refused(fmt::format("the label has {} bytes, more than the {} allowed", zpl.size(), kMaxCarrierLabelBytes));
  bool in_format = false;
  int formats = 0;
  for (std::size_t pos = 0; pos < zpl.size(); ++pos) {
    const char c = zpl[pos];
    const bool prefix = c == '^' || c == '~';
    if (!in_format && !prefix && !is_space(c))
      return refused(fmt::format("byte {} lies outside a ^XA … ^XZ format", pos));
    if (!prefix) continue;
    // A tilde followed by anything but two letters is data (the FNC1 `~1` of an older ^BX field).
    if (c == '~' && !(pos + 2 < zpl.size() && is_letter(zpl[pos + 1]) && is_letter(zpl[pos + 2]))) {
      if (!in_format) return refused(fmt::format("byte {} lies outside a ^XA … ^XZ format", pos));
      continue;
    }
    if (pos + 2 >= zpl.size()) return refused(fmt::format("the label ends inside a command at byte {}", pos));
    std::string name{c};
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(zpl[pos + 1]))));
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(zpl[pos + 2]))));
    const std::size_t at = pos;
    pos += 2;  // past the name: its letters are no bytes outside a format
    if (name == "^XA") {
      if (in_format) return refused(fmt::format("^XA at byte {} opens a format inside another: a ^XZ is missing", at));
      in_format = true;
      continue;
    }
    if (!in_format) return refused(fmt::format("{} at byte {} lies outside a ^XA … ^XZ format", name, at));
    if (name == "^XZ") {
      in_format = false;
      ++formats;
      continue;
    }
    const auto& list = forbidden_list();
    const auto forbidden = std::find_if(list.begin(), list.end(),
                                        [&name](const ForbiddenZplCommand& f) { return f.command == name; });
    if (forbidden != list.end())
      return refused(fmt::format("{} at byte {} refused: it {}", name, at, forbidden->why));
    if (c == '~') return refused(fmt::format("{} at byte {} refused: it {}", name, at, kControl));
    if (name == "^PQ") {
      const auto end = zpl.find_first_of("^~", at + 3);
      if (print_quantity(zpl.substr(at + 3, end == std::string_view::npos ? std::string_view::npos : end - at - 3)) != 1)
        return refused(fmt::format("^PQ at byte {} refused: a carrier label prints once per parcel", at));
    }
  }
  if (in_format) return refused("the last format has no ^XZ");
  if (formats == 0) return refused("no ^XA … ^XZ format");
  return {};
}

}  // namespace wedge::print
