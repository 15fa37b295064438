// The adapters' inline decimal fast path must agree with the message
// library's general parser on every text, taking only what it can do exactly.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <utility>
#include <string>

#include "json_fields.hpp"

namespace rtm::feeds {
namespace {

// Every fast path this build has: the one the adapters use is the last.
using FastPath = bool (*)(std::string_view, std::uint8_t, std::int64_t&) noexcept;
const std::pair<const char*, FastPath> kFastPaths[] = {
    {"swar", [](std::string_view t, std::uint8_t s, std::int64_t& o) noexcept { return detail::plain_mantissa_swar(t, s, o); }},
#if defined(__SSE4_1__)
    {"sse", [](std::string_view t, std::uint8_t s, std::int64_t& o) noexcept { return detail::plain_mantissa_sse(t, s, o); }},
#endif
};

std::string random_decimal(std::mt19937_64& rng) {
  static constexpr char kAlphabet[] = "0123456789.-e+ x";
  std::string text;
  switch (rng() % 4) {
    case 0: {  // arbitrary junk from number-ish characters
      const std::size_t length = rng() % 24;
      for (std::size_t i = 0; i < length; ++i) text += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
      break;
    }
    default: {  // digits, a point, digits: the shapes venues send, and longer
      const std::size_t integer_digits = rng() % 13;
      const std::size_t fraction_digits = rng() % 12;
      for (std::size_t i = 0; i < integer_digits; ++i) text += static_cast<char>('0' + rng() % 10);
      if (rng() % 5 != 0) {
        text += '.';
        for (std::size_t i = 0; i < fraction_digits; ++i) text += static_cast<char>('0' + rng() % 10);
      }
      if (rng() % 30 == 0) text.insert(0, "-");
    }
  }
  return text;
}

TEST(DecimalFastPath, AgreesWithTheGeneralParser) {
  std::mt19937_64 rng(41);
  std::size_t fast = 0;
  for (int i = 0; i < 400'000; ++i) {
    const std::string text = random_decimal(rng);
    // As in a frame: the bytes after the text are readable, and not digits.
    std::string padded = text + std::string(kFramePadding, '"');
    const std::string_view view(padded.data(), text.size());
    const auto scale = static_cast<std::uint8_t>(rng() % 19);

    const msg::DecimalResult expected = msg::parse_decimal_at_scale(view, scale);
    for (const auto& [name, fast_path] : kFastPaths) {
      std::int64_t mantissa = -1;
      if (fast_path(view, scale, mantissa)) {
        ++fast;
        ASSERT_TRUE(expected.ok()) << name << ": " << text << " at scale " << int{scale};
        ASSERT_EQ(mantissa, expected.value.mantissa) << name << ": " << text << " at scale " << int{scale};
      }
    }
    std::int64_t converted = -1;
    ASSERT_EQ(detail::to_mantissa(view, scale, converted), expected.ok()) << text;
    if (expected.ok()) {
      ASSERT_EQ(converted, expected.value.mantissa) << text;
    }
  }
  EXPECT_GT(fast, 60'000U * std::size(kFastPaths));  // each fast path takes the common shapes
}

TEST(DecimalFastPath, RefusesAnAbsentField) {
  std::int64_t mantissa = 0;
  for (const auto& [name, fast_path] : kFastPaths) EXPECT_FALSE(fast_path(std::string_view(), 8, mantissa)) << name;
  EXPECT_FALSE(detail::to_mantissa(std::string_view(), 8, mantissa));
}

#if defined(__SSE4_1__)
// The adapters' build takes the vector path, which reads 16 bytes at once:
// the longest texts it takes, and the point in every place.
TEST(DecimalFastPath, VectorPathTakesSixteenCharacters) {
  std::string padded = std::string("1234567890123456") + std::string(kFramePadding, '7');
  std::int64_t mantissa = 0;
  ASSERT_TRUE(detail::plain_mantissa_sse(std::string_view(padded.data(), 16), 0, mantissa));
  EXPECT_EQ(mantissa, 1'234'567'890'123'456);
  for (std::size_t point = 1; point < 15; ++point) {  // a point at the end is refused
    std::string text = "123456789012345";
    text.insert(point, ".");
    padded = text + std::string(kFramePadding, '5');
    const auto scale = static_cast<std::uint8_t>(15 - point);  // the fraction's digits
    ASSERT_TRUE(detail::plain_mantissa_sse(std::string_view(padded.data(), 16), scale, mantissa)) << text;
    EXPECT_EQ(mantissa, 123'456'789'012'345) << text;
  }
  padded = std::string("99999999999999999") + std::string(kFramePadding, '"');
  EXPECT_FALSE(detail::plain_mantissa_sse(std::string_view(padded.data(), 17), 0, mantissa));  // general parser's
}
#endif

TEST(DecimalFastPath, TakesVenueShapes) {
  std::string padded = std::string("65000.01000000") + std::string(kFramePadding, '\0');
  std::int64_t mantissa = 0;
  ASSERT_TRUE(detail::plain_mantissa(std::string_view(padded.data(), 14), 8, mantissa));
  EXPECT_EQ(mantissa, 6'500'001'000'000);
  padded = std::string("0.5117") + std::string(kFramePadding, '9');
  ASSERT_TRUE(detail::plain_mantissa(std::string_view(padded.data(), 6), 4, mantissa));
  EXPECT_EQ(mantissa, 5117);
  ASSERT_TRUE(detail::plain_mantissa(std::string_view(padded.data(), 6), 10, mantissa));
  EXPECT_EQ(mantissa, 5'117'000'000);
}

}  // namespace
}  // namespace rtm::feeds
