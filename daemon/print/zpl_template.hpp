// ZPL label templates with {{placeholder}} fields, filled from a map of strings without letting
// any value inject ZPL.
//
// Syntax (docs/drivers/printer.md): a template is a ZPL file; `{{name}}` or `{{name|digits}}`
// may appear only inside ^FD (or ^FV) field data. Names are [A-Za-z0-9_.-]+.
//
// Safety: every inserted value is written as ^FH hex: each byte outside printable ASCII
// (0x20–0x7E), and `^`, `~` and the hex indicator itself, becomes `_hh`. So no value can end the
// field, start a command or a new format (^XZ^XA), or trigger a control command (~JR). If the
// field has no ^FH of its own, `^FH_` is inserted before its ^FD at load time (a field like that
// must not contain a literal `_`: write `_5F`). A template that redefines the command characters
// (^CC ~CC ^CT ~CT ^CD ~CD) is refused: it would blind this check.
// Filters check barcode data, where `>` is a Code 128 control sequence that hex escaping cannot
// neutralise (the printer decodes ^FH before the barcode): `{{x|digits}}` requires a non-empty
// all-digit value (SSCC, GTIN); `{{x|code128}}` a non-empty printable-ASCII value without `>`.
//
// Filling: a missing field is an error naming it; extra values are ignored. A value longer than
// kMaxValueBytes is an error (^FD holds at most 3072 bytes, and escaping triples a byte).
//
// Pure value type; any thread once built.
#pragma once

#include "daemon/core/result.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::print {

inline constexpr std::size_t kMaxValueBytes = 1000;

// Hex-escapes `value` for ^FH field data with the given indicator.
[[nodiscard]] std::string zpl_hex_escape(std::string_view value, char indicator = '_');

using FieldValues = std::map<std::string, std::string, std::less<>>;

class ZplTemplate {
 public:
  enum class Filter { none, digits, code128 };

  // The template, or why it is refused (invalid_argument: "shipping.zpl:12: placeholder 'x' is
  // outside ^FD field data", …; load: not_found "cannot read template <path>").
  static core::Result<ZplTemplate> parse(std::string_view text, std::string name = "template");
  static core::Result<ZplTemplate> load(const std::string& path);

  // The label's ZPL, or invalid_argument: "missing field 'ship_to_name'", a value too long or not
  // what its filter allows.
  core::Result<std::string> fill(const FieldValues& values) const;
  // Placeholder names in order of first use, each once.
  const std::vector<std::string>& fields() const { return fields_; }
  const std::string& name() const { return name_; }

 private:
  struct Piece {
    bool is_field = false;
    std::string text;  // literal ZPL, or the field name
    Filter filter = Filter::none;
    char indicator = '_';
  };

  std::string name_;
  std::vector<Piece> pieces_;
  std::vector<std::string> fields_;
};

}  // namespace wedge::print
