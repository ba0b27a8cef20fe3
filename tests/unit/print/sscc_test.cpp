// GS1 check digits against the reference vectors; SSCC serials are persistent and never reused.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <set>

#include "daemon/print/sscc.hpp"
#include "tests/support/process.hpp"

namespace wedge::print {
namespace {

TEST(Gs1CheckDigit, ReferenceVectors) {
  EXPECT_TRUE(gs1_is_valid("106141412345678908"));
  EXPECT_TRUE(gs1_is_valid("376104250021234569"));
  EXPECT_FALSE(gs1_is_valid("106141412345678909"));
  EXPECT_EQ(gs1_check_digit("10614141234567890"), 8);
  EXPECT_EQ(gs1_check_digit("37610425002123456"), 9);
  // Other key types from the same table use the same algorithm.
  EXPECT_TRUE(gs1_is_valid("4006381333931"));
  EXPECT_TRUE(gs1_is_valid("96385074"));
  EXPECT_TRUE(gs1_is_valid("09506000134352"));
  EXPECT_FALSE(gs1_is_valid("5901234123458"));
  EXPECT_EQ(gs1_check_digit("400638133393"), 1);
}

TEST(Gs1CheckDigit, BadInput) {
  EXPECT_EQ(gs1_check_digit(""), -1);
  EXPECT_EQ(gs1_check_digit("12a4"), -1);
  EXPECT_FALSE(gs1_is_valid("8"));
  EXPECT_FALSE(gs1_is_valid(""));
  EXPECT_FALSE(gs1_is_valid("10614141234567890X"));
}

TEST(SsccGenerator, BuildsValidSsccsFromPrefixExtensionAndSerial) {
  test::TempDir dir;
  SsccGenerator gen({dir.file("print.db"), "0614141", 1});
  auto a = gen.next();
  auto b = gen.next();
  ASSERT_TRUE(a) << a.reason();
  ASSERT_TRUE(b) << b.reason();
  EXPECT_EQ(*a, "106141410000000019");
  EXPECT_EQ(a->size(), 18u);
  EXPECT_TRUE(gs1_is_valid(*a));
  EXPECT_TRUE(gs1_is_valid(*b));
  EXPECT_EQ(b->substr(0, 17), "10614141000000002");
  SsccGenerator ten({dir.file("print.db"), "0614141234", 3});
  auto c = ten.next();
  EXPECT_EQ(c->substr(0, 17), "30614141234000001");
  EXPECT_TRUE(gs1_is_valid(*c));
}

TEST(SsccGenerator, SerialSurvivesRestartAndIsNeverReused) {
  test::TempDir dir;
  std::set<std::string> seen;
  for (int run = 0; run < 3; ++run) {
    SsccGenerator gen({dir.file("print.db"), "0614141", 0});
    for (int i = 0; i < 5; ++i) {
      auto r = gen.next();
      ASSERT_TRUE(r) << r.reason();
      EXPECT_TRUE(seen.insert(*r).second) << *r;
    }
  }
  EXPECT_EQ(seen.size(), 15u);
}

TEST(SsccGenerator, RangeExhaustionIsAnError) {
  test::TempDir dir;
  SsccGenerator gen({dir.file("print.db"), "0614141234", 0});
  ASSERT_TRUE(gen.next());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("print.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE sscc_serial SET next_serial=999999", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto last = gen.next();
  ASSERT_TRUE(last) << last.reason();
  EXPECT_EQ(last->substr(0, 17), "00614141234999999");
  EXPECT_EQ(gen.remaining(), 0);
  auto none = gen.next();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, core::Errc::resource_exhausted);
  EXPECT_EQ(none.reason(), "SSCC serial range exhausted for prefix 0614141234 extension 0");
}

TEST(SsccGenerator, BadConfigIsAStartupError) {
  test::TempDir dir;
  EXPECT_THROW(SsccGenerator({dir.file("p.db"), "061414", 0}), std::runtime_error);
  EXPECT_THROW(SsccGenerator({dir.file("p.db"), "06141412345", 0}), std::runtime_error);
  EXPECT_THROW(SsccGenerator({dir.file("p.db"), "06141x1", 0}), std::runtime_error);
  EXPECT_THROW(SsccGenerator({dir.file("p.db"), "0614141", 10}), std::runtime_error);
  EXPECT_THROW(SsccGenerator({"/nonexistent/dir/p.db", "0614141", 0}), std::runtime_error);
}

}  // namespace
}  // namespace wedge::print
