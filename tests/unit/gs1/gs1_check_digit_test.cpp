// GS1 mod-10 check digits: the reference table, then properties over many generated numbers.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "daemon/gs1/gs1.hpp"
#include "daemon/gs1/gs1_dictionary.hpp"

namespace wedge::station {
namespace {

TEST(Gs1CheckDigit, ReferenceTable) {
  // devices-and-protocols.md §2: valid, and invalid with the correct check digit.
  for (const auto* valid : {"96385074", "02345680", "036000291452", "416000336108", "4006381333931",
                            "5901234123457", "09506000134352", "24012345678905", "106141412345678908",
                            "376104250021234569", "0614141000012"})
    EXPECT_TRUE(gs1_check_digit_ok(valid)) << valid;
  const std::pair<const char*, int> invalid[] = {
      {"02345689", 0}, {"036000291453", 2}, {"5901234123458", 7}, {"24012345678909", 5},
      {"106141412345678909", 8}, {"0614141000013", 2}};
  for (const auto& [digits, correct] : invalid) {
    const std::string text = digits;
    EXPECT_FALSE(gs1_check_digit_ok(text)) << text;
    EXPECT_EQ(gs1_check_digit(text.substr(0, text.size() - 1)), correct) << text;
  }
  EXPECT_EQ(gs1_check_digit("400638133393"), 1);
}

TEST(Gs1CheckDigit, RejectsNonDigitsAndShortInput) {
  EXPECT_EQ(gs1_check_digit(""), -1);
  EXPECT_EQ(gs1_check_digit("12a4"), -1);
  EXPECT_FALSE(gs1_check_digit_ok("7"));
  EXPECT_FALSE(gs1_check_digit_ok("9638507A"));
  EXPECT_FALSE(normalise_gtin("1234567890"));  // 10 digits is no GTIN
  EXPECT_FALSE(normalise_gtin(""));
}

class CheckDigitProperty : public ::testing::Test {
 protected:
  std::mt19937 rng_{20250615};  // fixed seed: reproducible
  std::string random_digits(std::size_t length) {
    std::uniform_int_distribution<int> digit(0, 9);
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out.push_back(static_cast<char>('0' + digit(rng_)));
    return out;
  }
  std::string with_check(const std::string& data) {
    return data + static_cast<char>('0' + gs1_check_digit(data));
  }
};

TEST_F(CheckDigitProperty, AppendedCheckDigitIsAlwaysValid) {
  for (std::size_t length : {7u, 11u, 12u, 13u, 17u})
    for (int i = 0; i < 500; ++i) {
      const auto number = with_check(random_digits(length));
      ASSERT_TRUE(gs1_check_digit_ok(number)) << number;
    }
}

TEST_F(CheckDigitProperty, EverySingleDigitErrorIsDetected) {
  for (int i = 0; i < 300; ++i) {
    const auto number = with_check(random_digits(13));
    for (std::size_t at = 0; at < number.size(); ++at)
      for (char other = '0'; other <= '9'; ++other) {
        if (other == number[at]) continue;
        auto changed = number;
        changed[at] = other;
        ASSERT_FALSE(gs1_check_digit_ok(changed)) << number << " -> " << changed;
      }
  }
}

TEST_F(CheckDigitProperty, AdjacentTranspositionsAreDetectedUnlessTheDigitsDifferByFive) {
  for (int i = 0; i < 300; ++i) {
    const auto number = with_check(random_digits(13));
    for (std::size_t at = 0; at + 1 < number.size(); ++at) {
      if (number[at] == number[at + 1]) continue;
      auto swapped = number;
      std::swap(swapped[at], swapped[at + 1]);
      const bool differ_by_five = std::abs(number[at] - number[at + 1]) == 5;
      // Weights 3 and 1 differ by 2, so a swap changes the sum by 2·(a−b): caught unless |a−b| = 5.
      ASSERT_EQ(gs1_check_digit_ok(swapped), differ_by_five) << number << " -> " << swapped;
    }
  }
}

TEST_F(CheckDigitProperty, LeftPaddingKeepsAGtinValidAndNormalisationIsIdempotent) {
  for (std::size_t length : {7u, 11u, 12u, 13u})
    for (int i = 0; i < 200; ++i) {
      const auto gtin = with_check(random_digits(length));
      const auto padded = std::string(14 - gtin.size(), '0') + gtin;
      ASSERT_TRUE(gs1_check_digit_ok(padded)) << gtin;
      const auto normalised = normalise_gtin(gtin);
      ASSERT_TRUE(normalised);
      EXPECT_EQ(*normalised, padded);
      EXPECT_EQ(normalise_gtin(*normalised), normalised);
      // And the parser agrees with the function for a bare scan.
      const auto parsed = parse_scan(gtin, "", ParseOptions{2025, false});
      ASSERT_TRUE(parsed) << gtin;
      EXPECT_EQ(parsed->gtin, padded);
    }
}

}  // namespace
}  // namespace wedge::station
