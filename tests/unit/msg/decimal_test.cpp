#include "rtm/msg/decimal.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

namespace rtm::msg {
namespace {

Decimal parsed(std::string_view text) {
  const DecimalResult result = parse_decimal(text);
  EXPECT_TRUE(result.ok()) << text << ": " << to_string(result.error);
  return result.value;
}

TEST(Decimal, ParsesVenueStringsAtTheirWrittenScale) {
  EXPECT_EQ(parsed("0.00000500").mantissa, 500);
  EXPECT_EQ(parsed("0.00000500").scale, 8);
  EXPECT_EQ(parsed("16500.10").mantissa, 1650010);
  EXPECT_EQ(parsed("16500.10").scale, 2);
  EXPECT_EQ(parsed("100").mantissa, 100);
  EXPECT_EQ(parsed("100").scale, 0);
  EXPECT_EQ(parsed("-2.5").mantissa, -25);
  EXPECT_EQ(parsed("0").mantissa, 0);
}

TEST(Decimal, CanonicalTextRoundTripsByteForByte) {
  for (const char* text :
       {"0.00000500", "16500.10", "25.35190000", "0.001", "100", "0", "-0.5", "40.66000000", "9223372036854775807",
        "-9223372036854775808", "0.000000000000000001", "9.223372036854775807", "123456789.123456789"}) {
    EXPECT_EQ(to_string(parsed(text)), text);
  }
}

TEST(Decimal, ExponentFormsAreExactValues) {
  EXPECT_EQ(parsed("1e-5").mantissa, 1);
  EXPECT_EQ(parsed("1e-5").scale, 5);
  EXPECT_EQ(to_string(parsed("1e-5")), "0.00001");
  EXPECT_EQ(to_string(parsed("1.5E3")), "1500");
  EXPECT_EQ(to_string(parsed("2.50e+1")), "25.0");
  EXPECT_EQ(to_string(parsed("-3.25e-2")), "-0.0325");
  EXPECT_EQ(to_string(parsed("120e-1")), "12.0");
}

TEST(Decimal, RejectsMalformedText) {
  for (const char* text :
       {"abc", "1.", ".5", "-", "+1", "1.2.3", "1e", "1e+", "0x10", " 1", "1 ", "1,5", "--1", "1e5x", "NaN", "inf"}) {
    EXPECT_EQ(parse_decimal(text).error, DecimalError::kMalformed) << text;
  }
  EXPECT_EQ(parse_decimal("").error, DecimalError::kEmpty);
}

TEST(Decimal, ReportsOverflowInsteadOfWrapping) {
  EXPECT_EQ(parse_decimal("9223372036854775808").error, DecimalError::kOverflow);
  EXPECT_EQ(parse_decimal("-9223372036854775809").error, DecimalError::kOverflow);
  EXPECT_EQ(parse_decimal("18446744073709551616").error, DecimalError::kOverflow);
  EXPECT_EQ(parse_decimal("99999999999999999999999").error, DecimalError::kOverflow);
  EXPECT_EQ(parse_decimal("1e19").error, DecimalError::kOverflow);
  EXPECT_EQ(parse_decimal("1e100000000").error, DecimalError::kOverflow);
  // Representable at its own scale, but not at a finer one.
  EXPECT_EQ(parse_decimal_at_scale("100000000000", 8).error, DecimalError::kOverflow);
}

TEST(Decimal, RejectsMoreThanEighteenSignificantFractionDigits) {
  EXPECT_EQ(parse_decimal("0.0000000000000000001").error, DecimalError::kScaleTooLarge);
  EXPECT_EQ(parse_decimal("1e-19").error, DecimalError::kScaleTooLarge);
  // Trailing zeros beyond 18 digits carry no value and are dropped.
  const Decimal long_zeros = parsed("0.10000000000000000000000");
  EXPECT_EQ(long_zeros.scale, 18);
  EXPECT_TRUE(same_value(long_zeros, parsed("0.1")));
}

TEST(Decimal, HugeExponentsAreReportedNotTruncated) {
  EXPECT_EQ(parse_decimal("0." + std::string(99999, '0') + "1e1000000").error, DecimalError::kOverflow);
  EXPECT_EQ(parse_decimal("1" + std::string(100000, '0') + "e-1000000").error, DecimalError::kScaleTooLarge);
  EXPECT_EQ(parse_decimal("1e99999999999999999999999").error, DecimalError::kOverflow);
  EXPECT_EQ(parse_decimal("1e-99999999999999999999999").error, DecimalError::kScaleTooLarge);
  EXPECT_EQ(to_string(parsed("0e99999999999999999999999")), "0");
}

TEST(Decimal, TrailingZerosPastEighteenDigitsNeverOverflow) {
  const Decimal ten = parsed("10.0000000000000000000");
  EXPECT_TRUE(same_value(ten, parsed("10")));
  EXPECT_EQ(parse_decimal("9223372036854775807.0000000000000000000").error, DecimalError::kOk);
}

TEST(Decimal, InvalidScalesAreRefusedWithoutTouchingMemory) {
  char text[kMaxDecimalChars];
  EXPECT_EQ(format_decimal({1, 40}, text), 0U);
  EXPECT_EQ(to_string(Decimal{1, 19}), "");
  EXPECT_EQ(compare({1, 19}, {1, 0}), compare({1, 18}, {1, 0}));
  EXPECT_EQ(rescale({1, 19}, 2).error, DecimalError::kScaleTooLarge);
}

TEST(Decimal, LongRunsOfZerosDoNotOverflowWhenTheValueFits) {
  EXPECT_TRUE(same_value(parsed("0." + std::string(5000, '0') + "e5000"), parsed("0")));
  EXPECT_TRUE(same_value(parsed("0." + std::string(4000, '0') + "1e4001"), parsed("1")));
}

TEST(Decimal, ParsesAtAFixedScaleExactlyOrNotAtAll) {
  EXPECT_EQ(parse_decimal_at_scale("16500.1", 8).value.mantissa, 1650010000000);
  EXPECT_EQ(parse_decimal_at_scale("0.00150000", 4).value.mantissa, 15);
  EXPECT_EQ(parse_decimal_at_scale("0.00150000", 2).error, DecimalError::kInexact);
  EXPECT_EQ(parse_decimal_at_scale("1e-5", 5).value.mantissa, 1);
  EXPECT_EQ(parse_decimal_at_scale("1", 19).error, DecimalError::kScaleTooLarge);
}

TEST(Decimal, RescalesExactly) {
  EXPECT_EQ(rescale({15, 1}, 4).value.mantissa, 15000);
  EXPECT_EQ(rescale({15000, 4}, 1).value.mantissa, 15);
  EXPECT_EQ(rescale({15001, 4}, 1).error, DecimalError::kInexact);
  EXPECT_EQ(rescale({std::numeric_limits<std::int64_t>::max(), 0}, 1).error, DecimalError::kOverflow);
  EXPECT_EQ(rescale({-7, 0}, 18).error, DecimalError::kOk);
}

TEST(Decimal, ComparesAcrossScales) {
  EXPECT_EQ(compare(parsed("1.50"), parsed("1.5")), 0);
  EXPECT_LT(compare(parsed("1.49999"), parsed("1.5")), 0);
  EXPECT_GT(compare(parsed("-1"), parsed("-1.000001")), 0);
  EXPECT_LT(compare(parsed("-9223372036854775808"), parsed("9223372036854775807")), 0);
}

TEST(Decimal, RandomMantissasAndScalesRoundTripThroughText) {
  std::mt19937_64 rng(20261122);
  for (int i = 0; i < 100000; ++i) {
    const Decimal original{static_cast<std::int64_t>(rng()), static_cast<std::uint8_t>(rng() % 19)};
    char text[kMaxDecimalChars];
    const std::size_t length = format_decimal(original, text);
    ASSERT_LE(length, kMaxDecimalChars);
    const DecimalResult back = parse_decimal(std::string_view(text, length));
    ASSERT_TRUE(back.ok()) << std::string_view(text, length);
    ASSERT_EQ(back.value.mantissa, original.mantissa) << std::string_view(text, length);
    ASSERT_EQ(back.value.scale, original.scale) << std::string_view(text, length);
  }
}

}  // namespace
}  // namespace rtm::msg
