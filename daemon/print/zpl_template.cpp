#include "daemon/print/zpl_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace wedge::print {
namespace {

bool safe_byte(unsigned char c, char indicator) {
  return c >= 0x20 && c <= 0x7E && c != '^' && c != '~' && c != static_cast<unsigned char>(indicator);
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string zpl_hex_escape(std::string_view value, char indicator) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (safe_byte(c, indicator)) {
      out += ch;
    } else {
      out += indicator;
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

core::Result<ZplTemplate> ZplTemplate::parse(std::string_view text, std::string name) {
  ZplTemplate t;
  t.name_ = std::move(name);
  int line = 1;
  auto error = [&](std::string message) {
    return core::fail(core::Errc::invalid_argument, fmt::format("{}:{}: {}", t.name_, line, message));
  };

  // Scanner state for the field being read.
  bool in_data = false;          // inside ^FD/^FV data
  bool fh_active = false;        // ^FH seen since the last ^FS
  char fh_indicator = '_';
  bool fh_inserted = false;      // we inserted ^FH_ for this field
  bool literal_indicator = false;  // a literal '_' in this field's data
  int field_line = 1;
  // Where this field's ^FD starts: piece index and offset in that literal piece.
  std::size_t fd_piece = 0;
  std::size_t fd_offset = 0;

  auto literal = [&t]() -> std::string& {
    if (t.pieces_.empty() || t.pieces_.back().is_field) t.pieces_.push_back({});
    return t.pieces_.back().text;
  };
  auto close_field = [&]() -> std::optional<std::string> {
    if (in_data && fh_inserted && literal_indicator)
      return fmt::format("{}:{}: literal '_' in a field with placeholders; write it as _5F",
                         t.name_, field_line);
    in_data = false;
    return std::nullopt;
  };

  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      const auto end = text.find("}}", i + 2);
      if (end == std::string_view::npos) return error("unterminated placeholder '{{'");
      auto inner = trim(text.substr(i + 2, end - i - 2));
      auto filter = Filter::none;
      if (const auto bar = inner.find('|'); bar != std::string_view::npos) {
        const auto filter_name = trim(inner.substr(bar + 1));
        inner = trim(inner.substr(0, bar));
        if (filter_name == "digits") {
          filter = Filter::digits;
        } else if (filter_name == "code128") {
          filter = Filter::code128;
        } else {
          return error(fmt::format("unknown filter '{}'", filter_name));
        }
      }
      if (inner.empty() || !std::all_of(inner.begin(), inner.end(), name_char))
        return error(fmt::format("bad placeholder name '{}'", inner));
      const std::string field(inner);
      if (!in_data) return error(fmt::format("placeholder '{}' is outside ^FD field data", field));
      if (!fh_active && !fh_inserted) {
        t.pieces_[fd_piece].text.insert(fd_offset, "^FH_");
        fh_inserted = true;
        fh_indicator = '_';
      }
      t.pieces_.push_back({true, field, filter, fh_indicator});
      if (std::find(t.fields_.begin(), t.fields_.end(), field) == t.fields_.end())
        t.fields_.push_back(field);
      i = end + 2;
      continue;
    }
    if (c == '^' || c == '~') {
      if (auto err = close_field()) return core::fail(core::Errc::invalid_argument, std::move(*err));
      const std::string cmd =
          i + 2 < text.size() ? std::string{upper(text[i + 1]), upper(text[i + 2])} : "";
      if (cmd == "CC" || cmd == "CT" || cmd == "CD")
        return error(fmt::format("{}{} (changing the command characters) is not supported", c, cmd));
      if (c == '^' && (cmd == "FD" || cmd == "FV")) {
        literal();  // make sure the current piece is a literal one
        fd_piece = t.pieces_.size() - 1;
        fd_offset = t.pieces_.back().text.size();
        in_data = true;
        fh_inserted = false;
        literal_indicator = false;
        field_line = line;
        literal() += text.substr(i, 3);
        i += 3;
        continue;
      }
      if (c == '^' && cmd == "FH") {
        fh_active = true;
        fh_indicator = '_';
        // ^FHa: the optional parameter is the indicator character.
        if (i + 3 < text.size() && text[i + 3] != '^' && text[i + 3] != '~' &&
            text[i + 3] != '\n' && text[i + 3] != '\r')
          fh_indicator = text[i + 3];
      }
      if (c == '^' && (cmd == "FS" || cmd == "XA" || cmd == "XZ")) fh_active = false;
      literal() += c;
      ++i;
      continue;
    }
    if (c == '\n') ++line;
    if (in_data && c == '_') literal_indicator = true;
    literal() += c;
    ++i;
  }
  if (auto err = close_field()) return core::fail(core::Errc::invalid_argument, std::move(*err));
  return t;
}

core::Result<ZplTemplate> ZplTemplate::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::Errc::not_found, fmt::format("cannot read template {}", path));
  std::ostringstream content;
  content << in.rdbuf();
  auto slash = path.find_last_of('/');
  return parse(content.str(), slash == std::string::npos ? path : path.substr(slash + 1));
}

core::Result<std::string> ZplTemplate::fill(const FieldValues& values) const {
  const auto refuse = [](std::string reason) { return core::fail(core::Errc::invalid_argument, std::move(reason)); };
  std::vector<std::string> missing;
  for (const auto& field : fields_)
    if (values.find(field) == values.end()) missing.push_back("'" + field + "'");
  if (missing.size() == 1) return refuse("missing field " + missing.front());
  if (!missing.empty()) return refuse(fmt::format("missing fields {}", fmt::join(missing, ", ")));

  std::string zpl;
  for (const auto& piece : pieces_) {
    if (!piece.is_field) {
      zpl += piece.text;
      continue;
    }
    const auto& value = values.find(piece.text)->second;
    if (value.size() > kMaxValueBytes)
      return refuse(fmt::format("field '{}' is too long ({} bytes, at most {})", piece.text, value.size(),
                                kMaxValueBytes));
    if (piece.filter == Filter::digits &&
        (value.empty() || !std::all_of(value.begin(), value.end(),
                                       [](char ch) { return ch >= '0' && ch <= '9'; })))
      return refuse(fmt::format("field '{}' must be digits", piece.text));
    if (piece.filter == Filter::code128 &&
        (value.empty() || !std::all_of(value.begin(), value.end(), [](char ch) {
          return ch >= 0x20 && ch <= 0x7E && ch != '>';
        })))
      return refuse(fmt::format("field '{}' must be printable ASCII without '>'", piece.text));
    zpl += zpl_hex_escape(value, piece.indicator);
  }
  return zpl;
}

}  // namespace wedge::print
