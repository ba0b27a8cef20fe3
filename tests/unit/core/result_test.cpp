// core::Result and core::Status: a value or an Error with code and reason, std::expected-style.
#include "daemon/core/result.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace wedge::core {
namespace {

Result<int> half(int n) {
  if (n % 2 != 0) return fail(Errc::invalid_argument, std::to_string(n) + " is odd");
  return n / 2;
}

Status check(bool ok) {
  if (!ok) return fail(Errc::unavailable, "peer down");
  return {};
}

TEST(Result, CarriesTheValueOrTheCodeAndTheReason) {
  const auto good = half(8);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 4);
  EXPECT_EQ(good.reason(), "");
  const auto bad = half(7);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  EXPECT_EQ(bad.error().reason, "7 is odd");
  EXPECT_EQ(bad.reason(), "7 is odd");
}

TEST(Result, AskingAnErrorForItsValueThrowsWithTheReason) {
  try {
    (void)half(3).value();
    ADD_FAILURE() << "value() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "invalid_argument: 3 is odd");
  }
}

TEST(Status, DefaultIsSuccessAndAnErrorKeepsItsCode) {
  const Status ok;
  EXPECT_TRUE(ok);
  EXPECT_TRUE(check(true));
  const auto down = check(false);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, Errc::unavailable);
  EXPECT_EQ(to_string(down.error().code), "unavailable");
  EXPECT_EQ(down.reason(), "peer down");
}

}  // namespace
}  // namespace wedge::core
