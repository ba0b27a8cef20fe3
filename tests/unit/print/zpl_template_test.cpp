// Template parsing and filling: syntax errors, missing fields, and that no value injects ZPL.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/print/zpl_template.hpp"

namespace wedge::print {
namespace {

ZplTemplate must_parse(std::string_view text) {
  auto r = ZplTemplate::parse(text, "t.zpl");
  EXPECT_TRUE(r) << r.reason();
  return r ? *r : *ZplTemplate::parse("^XA^XZ");
}

TEST(ZplEscape, EscapesCommandCharsIndicatorAndNonPrintables) {
  EXPECT_EQ(zpl_hex_escape("Plain text 123"), "Plain text 123");
  EXPECT_EQ(zpl_hex_escape("^XZ^XA"), "_5EXZ_5EXA");
  EXPECT_EQ(zpl_hex_escape("~JR"), "_7EJR");
  EXPECT_EQ(zpl_hex_escape("_1D"), "_5F1D");
  EXPECT_EQ(zpl_hex_escape("a\nb\x1d"), "a_0Ab_1D");
  EXPECT_EQ(zpl_hex_escape("Zo\xc3\xab"), "Zo_C3_AB");
  EXPECT_EQ(zpl_hex_escape(std::string("\0\x7f\xff", 3)), "_00_7F_FF");
  // Another indicator: '_' is then plain, the indicator is escaped.
  EXPECT_EQ(zpl_hex_escape("a_b\\c", '\\'), "a_b\\5Cc");
}

TEST(ZplTemplate, FillsAndInsertsFhBeforeFd) {
  auto t = must_parse("^XA^FO10,10^A0N,30,30^FDHello {{name}}!^FS^XZ");
  EXPECT_EQ(t.fields(), std::vector<std::string>{"name"});
  auto r = t.fill({{"name", "Ann ^XZ"}});
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(*r, "^XA^FO10,10^A0N,30,30^FH_^FDHello Ann _5EXZ!^FS^XZ");
}

TEST(ZplTemplate, KeepsTheTemplatesOwnFhIndicator) {
  auto t = must_parse("^XA^FH\\^FD{{a}} x_y^FS^FH^FD{{b}}^FS^XZ");
  auto r = t.fill({{"a", "_\\^"}, {"b", "_"}});
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(*r, "^XA^FH\\^FD_\\5C\\5E x_y^FS^FH^FD_5F^FS^XZ");
}

TEST(ZplTemplate, OnlyOneFhPerFieldAndFieldsListedOnce) {
  auto t = must_parse("^XA^FD{{a}}-{{b}}-{{a}}^FS^XZ");
  EXPECT_EQ(t.fields(), (std::vector<std::string>{"a", "b"}));
  auto r = t.fill({{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(*r, "^XA^FH_^FD1-2-1^FS^XZ");
}

TEST(ZplTemplate, MissingFieldIsAnErrorNamingIt) {
  auto t = must_parse("^XA^FD{{name}}^FS^FD{{city}}^FS^FD{{zip}}^FS^XZ");
  auto one = t.fill({{"name", "x"}, {"city", "y"}});
  EXPECT_FALSE(one);
  EXPECT_EQ(one.reason(), "missing field 'zip'");
  auto two = t.fill({{"city", "y"}});
  EXPECT_EQ(two.reason(), "missing fields 'name', 'zip'");
  // An empty value is a value; unknown extra fields are fine.
  EXPECT_TRUE(t.fill({{"name", ""}, {"city", ""}, {"zip", ""}, {"unused", "^XZ"}}));
}

TEST(ZplTemplate, SyntaxErrorsNameLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"^XA\n^FO1,1{{x}}^FS^XZ", "t.zpl:2: placeholder 'x' is outside ^FD field data"},
      {"^XA\n^FD{{x}^FS^XZ", "t.zpl:2: unterminated placeholder '{{'"},
      {"^XA^FD{{}}^FS^XZ", "t.zpl:1: bad placeholder name ''"},
      {"^XA^FD{{a b}}^FS^XZ", "t.zpl:1: bad placeholder name 'a b'"},
      {"^XA^FD{{a|upper}}^FS^XZ", "t.zpl:1: unknown filter 'upper'"},
      {"^XA^PQ{{copies}}^XZ", "t.zpl:1: placeholder 'copies' is outside ^FD field data"},
      {"^XA^FDa~{{x}}^FS^XZ", "t.zpl:1: placeholder 'x' is outside ^FD field data"},
      {"^XA\n\n^FDa_b {{x}}^FS^XZ", "t.zpl:3: literal '_' in a field with placeholders; write it as _5F"},
      {"^XA^CC+^XZ", "t.zpl:1: ^CC (changing the command characters) is not supported"},
      {"~CT+^XA^XZ", "t.zpl:1: ~CT (changing the command characters) is not supported"},
      {"^XA^cd;^XZ", "t.zpl:1: ^CD (changing the command characters) is not supported"},
  };
  for (const auto& [text, error] : cases) {
    auto r = ZplTemplate::parse(text, "t.zpl");
    EXPECT_FALSE(r) << text;
    EXPECT_EQ(r.reason(), error) << text;
  }
}

TEST(ZplTemplate, Filters) {
  auto t = must_parse("^XA^BCN,100,Y,N,N^FD>;>800{{sscc|digits}}^FS^BCN^FD{{tote|code128}}^FS^XZ");
  EXPECT_TRUE(t.fill({{"sscc", "106141412345678908"}, {"tote", "T-42_~^"}}));
  EXPECT_EQ(t.fill({{"sscc", "10614141234567890A"}, {"tote", "T"}}).reason(),
            "field 'sscc' must be digits");
  EXPECT_EQ(t.fill({{"sscc", ""}, {"tote", "T"}}).reason(), "field 'sscc' must be digits");
  EXPECT_EQ(t.fill({{"sscc", "1"}, {"tote", "T>8"}}).reason(),
            "field 'tote' must be printable ASCII without '>'");
  EXPECT_EQ(t.fill({{"sscc", "1"}, {"tote", ""}}).reason(),
            "field 'tote' must be printable ASCII without '>'");
}

TEST(ZplTemplate, TooLongValueIsRefused) {
  auto t = must_parse("^XA^FD{{a}}^FS^XZ");
  EXPECT_TRUE(t.fill({{"a", std::string(kMaxValueBytes, 'x')}}));
  EXPECT_EQ(t.fill({{"a", std::string(kMaxValueBytes + 1, 'x')}}).reason(),
            "field 'a' is too long (1001 bytes, at most 1000)");
}

// Whatever the values, the filled label has exactly the template's commands.
TEST(ZplTemplate, NoValueAddsACommand) {
  const std::vector<std::string> attacks = {"^XZ^XA^FDevil^FS", "~JR", "^FD", "_1D", "_5E",
                                            "\xc3\xa9\xe6\x9d\xb1", std::string("\0\r\n", 3),
                                            "{{name}}", "^FH^FD_5EXZ"};
  for (const char* file : {"shipping.zpl", "tote.zpl"}) {
    auto r = ZplTemplate::load(std::string(WEDGE_SOURCE_DIR) + "/config/templates/" + file);
    ASSERT_TRUE(r) << r.reason();
    FieldValues clean;
    for (const auto& f : r->fields()) clean[f] = f == "sscc" ? "106141412345678908" : "x";
    const auto base = r->fill(clean);
    ASSERT_TRUE(base) << base.reason();
    auto commands = [](const std::string& zpl) {
      return std::count(zpl.begin(), zpl.end(), '^') + std::count(zpl.begin(), zpl.end(), '~');
    };
    for (const auto& attack : attacks) {
      FieldValues values = clean;
      for (const auto& f : r->fields())
        if (f != "sscc") values[f] = attack;
      auto filled = r->fill(values);
      if (!filled) {
        // Barcode fields refuse what they cannot encode safely: refused is not injected.
        EXPECT_EQ(filled.reason(), "field 'tote_id' must be printable ASCII without '>'") << attack;
        continue;
      }
      EXPECT_EQ(commands(*filled), commands(*base)) << file << " " << attack;
      for (char c : *filled) {
        const auto u = static_cast<unsigned char>(c);
        EXPECT_TRUE(u == '\n' || (u >= 0x20 && u < 0x7F)) << file << " byte " << int{u};
      }
    }
  }
}

TEST(ZplTemplate, ShippingTemplateFields) {
  auto r = ZplTemplate::load(std::string(WEDGE_SOURCE_DIR) + "/config/templates/shipping.zpl");
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(r->fields(),
            (std::vector<std::string>{"ship_to_name", "ship_to_line1", "ship_to_line2",
                                      "ship_to_city", "ship_to_country", "order_id", "carrier",
                                      "tracking", "sscc"}));
  auto tote = ZplTemplate::load(std::string(WEDGE_SOURCE_DIR) + "/config/templates/tote.zpl");
  ASSERT_TRUE(tote) << tote.reason();
  EXPECT_EQ(tote->fields(), (std::vector<std::string>{"tote_id", "order_id", "station"}));
  EXPECT_FALSE(ZplTemplate::load("/nonexistent/x.zpl"));
}

}  // namespace
}  // namespace wedge::print
