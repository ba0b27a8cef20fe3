// core::Result and core::Status: a value or an Error with code and reason, std::expected-style.
#include "daemon/core/result.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wedge::core {
namespace {

// A room's own codes, as outbox::OutboxError: named by a to_string found by argument-dependent lookup.
enum class DoorError { locked, jammed };
std::string_view to_string(DoorError code) noexcept { return code == DoorError::locked ? "locked" : "jammed"; }

BasicStatus<BasicError<DoorError>> open_door(bool locked) {
  if (locked) return fail(DoorError::locked, "the key is at the office");
  return {};
}

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

TEST(Result, CarriesARoomsOwnCodeWithItsName) {
  EXPECT_TRUE(open_door(false));
  const auto refused = open_door(true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, DoorError::locked);
  EXPECT_EQ(refused.reason(), "the key is at the office");
  try {
    refused.value();
    ADD_FAILURE() << "value() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "locked: the key is at the office");
  }
}

// A parser that reports every problem at once keeps them all as its error.
TEST(Result, CanHoldEveryProblemAsItsError) {
  const auto parse = [](std::string_view text) -> Result<std::string, std::vector<std::string>> {
    std::vector<std::string> problems;
    for (const char c : text)
      if (c < '0' || c > '9') problems.push_back(std::string("'") + c + "' is not a digit");
    if (!problems.empty()) return problems;
    return std::string(text);
  };
  EXPECT_EQ(*parse("42"), "42");
  const auto bad = parse("4x2y");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), (std::vector<std::string>{"'x' is not a digit", "'y' is not a digit"}));
}

}  // namespace
}  // namespace wedge::core
