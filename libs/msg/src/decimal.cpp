#include "rtm/msg/decimal.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>

namespace rtm::msg {
namespace {

constexpr std::array<std::uint64_t, 20> kPow10 = [] {
  std::array<std::uint64_t, 20> table{};
  std::uint64_t value = 1;
  for (auto& entry : table) {
    entry = value;
    value *= 10;
  }
  return table;
}();

__extension__ using Int128 = __int128;  // GCC and Clang; compare() needs 124 bits

constexpr std::uint64_t kMaxPositive = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// magnitude * 10^exponent, or false on overflow of 64 bits.
bool scale_up(std::uint64_t magnitude, std::int64_t exponent, std::uint64_t& out) noexcept {
  if (magnitude == 0) {
    out = 0;
    return true;
  }
  if (exponent >= static_cast<std::int64_t>(kPow10.size())) return false;
  return !__builtin_mul_overflow(magnitude, kPow10[static_cast<std::size_t>(exponent)], &out);
}

DecimalResult signed_result(bool negative, std::uint64_t magnitude, std::int64_t scale) noexcept {
  if (magnitude > kMaxPositive + (negative ? 1 : 0)) return {{}, DecimalError::kOverflow};
  // Negating in unsigned arithmetic reaches INT64_MIN without overflowing.
  const auto mantissa = static_cast<std::int64_t>(negative ? (~magnitude + 1) : magnitude);
  return {{mantissa, static_cast<std::uint8_t>(scale)}, DecimalError::kOk};
}

// magnitude * 10^exponent as a signed mantissa at `scale`, or kOverflow.
DecimalResult scaled_result(bool negative, std::uint64_t magnitude, std::int64_t exponent,
                            std::int64_t scale) noexcept {
  std::uint64_t mantissa = 0;
  if (!scale_up(magnitude, exponent, mantissa)) return {{}, DecimalError::kOverflow};
  return signed_result(negative, mantissa, scale);
}

// Eight ASCII digits at p as a number (Lemire's SWAR conversion), or false
// if any of the eight bytes is not a digit. Little-endian only.
inline bool eight_digits(const char* p, std::uint64_t& out) noexcept {
  std::uint64_t chunk = 0;
  std::memcpy(&chunk, p, 8);
  const bool all_digits = ((chunk & 0xF0F0F0F0F0F0F0F0ULL) |
                           (((chunk + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) == 0x3333333333333333ULL;
  if (!all_digits) return false;
  chunk -= 0x3030303030303030ULL;
  chunk = (chunk * 10) + (chunk >> 8);
  out = (((chunk & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
         (((chunk >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
        32;
  return true;
}

inline bool is_digit(char c) noexcept {
  return static_cast<unsigned char>(c - '0') < 10;
}

// The common case, fast: -?digits(.digits)? with at most 19 digits in all,
// which cannot overflow 64 bits while accumulating. The fraction (venues
// write eight digits) goes eight at a time. Returns false to hand anything
// else (exponents, long numbers, every error) to the general parser.
bool parse_plain(std::string_view text, std::int64_t target_scale, DecimalResult& out) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  std::uint64_t value = 0;
  const char* const integer_start = p;
  for (; p != end && is_digit(*p); ++p) value = value * 10 + static_cast<std::uint64_t>(*p - '0');
  const std::ptrdiff_t integer_digits = p - integer_start;
  if (integer_digits == 0 || integer_digits > 19) return false;
  std::int64_t fraction_digits = 0;
  if (p != end && *p == '.') {
    const char* const fraction_start = ++p;
    std::uint64_t eight = 0;
    if constexpr (std::endian::native == std::endian::little) {
      if (end - p >= 8 && eight_digits(p, eight)) {
        value = value * 100'000'000 + eight;
        p += 8;
      }
    }
    for (; p != end && is_digit(*p); ++p) value = value * 10 + static_cast<std::uint64_t>(*p - '0');
    fraction_digits = p - fraction_start;
    if (fraction_digits == 0 || integer_digits + fraction_digits > 19) return false;
  }
  if (p != end) return false;  // an exponent or junk

  std::int64_t scale = target_scale;
  if (scale < 0) {
    if (fraction_digits > kMaxDecimalScale) return false;
    scale = fraction_digits;
  } else if (fraction_digits > scale) {
    const std::uint64_t divisor = kPow10[static_cast<std::size_t>(fraction_digits - scale)];
    if (value % divisor != 0) {
      out = {{}, DecimalError::kInexact};
      return true;
    }
    value /= divisor;
  } else if (!scale_up(value, scale - fraction_digits, value)) {
    return false;
  }
  if (value > kMaxPositive + (negative ? 1 : 0)) return false;
  out = signed_result(negative, value, scale);
  return true;
}

// Grammar: -?digits(.digits)?([eE][+-]?digits)?
// The significant digits are kept as `magnitude` times 10^pending_zeros, so
// runs of zeros (trailing fraction zeros, or a big integer's) cost nothing
// until a later non-zero digit needs them.
// target_scale < 0 asks for the scale the text was written at.
DecimalResult parse(std::string_view text, std::int64_t target_scale) noexcept {
  if (text.empty()) return {{}, DecimalError::kEmpty};
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;

  std::uint64_t magnitude = 0;
  std::int64_t pending_zeros = 0;
  std::int64_t fraction_digits = 0;
  bool overflow = false;
  auto take_digits = [&](bool in_fraction) {
    const std::size_t first = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (in_fraction) ++fraction_digits;
      if (text[i] == '0') {
        ++pending_zeros;
        continue;
      }
      std::uint64_t shifted = 0;
      if (!scale_up(magnitude, pending_zeros + 1, shifted) ||
          __builtin_add_overflow(shifted, static_cast<std::uint64_t>(text[i] - '0'), &magnitude)) {
        overflow = true;
      }
      pending_zeros = 0;
    }
    return i > first;
  };

  if (!take_digits(false)) return {{}, DecimalError::kMalformed};
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!take_digits(true)) return {{}, DecimalError::kMalformed};
  }
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
    const std::size_t first = i;
    // Saturates far beyond any digit count a text can have, so a huge
    // exponent still ends in kOverflow or kScaleTooLarge, never wraps.
    constexpr std::int64_t kExponentCeiling = std::int64_t{1} << 50;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      exponent = std::min(exponent * 10 + (text[i] - '0'), kExponentCeiling);
    }
    if (i == first) return {{}, DecimalError::kMalformed};
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return {{}, DecimalError::kMalformed};
  if (overflow) return {{}, DecimalError::kOverflow};

  const std::int64_t written_scale = fraction_digits - exponent;
  constexpr std::int64_t kMaxScale = kMaxDecimalScale;
  if (magnitude == 0) {
    const std::int64_t scale = target_scale >= 0 ? target_scale : std::clamp<std::int64_t>(written_scale, 0, kMaxScale);
    return {{0, static_cast<std::uint8_t>(scale)}, DecimalError::kOk};
  }
  // The scale at which `magnitude` alone is the mantissa (may be negative).
  const std::int64_t significant_scale = written_scale - pending_zeros;
  std::int64_t scale = target_scale;
  if (scale < 0) {
    if (significant_scale > kMaxScale) return {{}, DecimalError::kScaleTooLarge};
    scale = std::clamp<std::int64_t>(written_scale, 0, kMaxScale);
  } else if (significant_scale > scale) {
    return {{}, DecimalError::kInexact};
  }
  DecimalResult result = scaled_result(negative, magnitude, scale - significant_scale, scale);
  if (result.error == DecimalError::kOverflow && target_scale < 0 && written_scale > kMaxScale) {
    // The trailing zeros past 18 fraction digits came only from how the text
    // was written; drop them rather than overflow ("10.000...0").
    const std::int64_t fewest = std::max<std::int64_t>(significant_scale, 0);
    result = scaled_result(negative, magnitude, fewest - significant_scale, fewest);
  }
  return result;
}

}  // namespace

DecimalResult parse_decimal(std::string_view text) noexcept {
  DecimalResult result;
  return parse_plain(text, -1, result) ? result : parse(text, -1);
}

DecimalResult parse_decimal_at_scale(std::string_view text, std::uint8_t scale) noexcept {
  if (scale > kMaxDecimalScale) return {{}, DecimalError::kScaleTooLarge};
  DecimalResult result;
  return parse_plain(text, scale, result) ? result : parse(text, scale);
}

DecimalResult rescale(Decimal value, std::uint8_t scale) noexcept {
  if (scale > kMaxDecimalScale || value.scale > kMaxDecimalScale) return {{}, DecimalError::kScaleTooLarge};
  if (scale >= value.scale) {
    std::int64_t mantissa = 0;
    const auto factor = static_cast<std::int64_t>(kPow10[scale - value.scale]);
    if (__builtin_mul_overflow(value.mantissa, factor, &mantissa)) return {{}, DecimalError::kOverflow};
    return {{mantissa, scale}, DecimalError::kOk};
  }
  const auto divisor = static_cast<std::int64_t>(kPow10[value.scale - scale]);
  if (value.mantissa % divisor != 0) return {{}, DecimalError::kInexact};
  return {{value.mantissa / divisor, scale}, DecimalError::kOk};
}

namespace {

// "00" to "99": two digits per division, as std::to_chars does.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (std::size_t i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

}  // namespace

std::size_t format_decimal(Decimal value, char* out) noexcept {
  if (value.scale > kMaxDecimalScale) return 0;  // not a valid Decimal; nothing fits the buffer
  const bool negative = value.mantissa < 0;
  std::uint64_t rest =
      negative ? ~static_cast<std::uint64_t>(value.mantissa) + 1 : static_cast<std::uint64_t>(value.mantissa);
  // Written backwards in one pass, from the last fraction digit: prices and
  // sizes are formatted for every bar and trade an API page returns.
  char text[kMaxDecimalChars];
  char* const end = text + sizeof(text);
  char* cursor = end;
  const auto pair = [&](std::uint64_t two_digits) {
    cursor -= 2;
    std::memcpy(cursor, kDigitPairs.data() + 2 * two_digits, 2);
  };
  // The fraction: exactly `scale` digits, zeros where the mantissa runs out.
  std::size_t fraction = value.scale;
  for (; fraction >= 2; fraction -= 2) {
    pair(rest % 100);
    rest /= 100;
  }
  if (fraction == 1) {
    *--cursor = static_cast<char>('0' + rest % 10);
    rest /= 10;
  }
  if (value.scale > 0) *--cursor = '.';
  // The integer part: at least one digit.
  for (; rest >= 100; rest /= 100) pair(rest % 100);
  if (rest >= 10) {
    pair(rest);
  } else {
    *--cursor = static_cast<char>('0' + rest);
  }
  if (negative) *--cursor = '-';
  const auto size = static_cast<std::size_t>(end - cursor);
  std::memcpy(out, cursor, size);
  return size;
}

std::string to_string(Decimal value) {
  char buffer[kMaxDecimalChars];
  return {buffer, format_decimal(value, buffer)};
}

int compare(Decimal a, Decimal b) noexcept {
  // Invalid scales are clamped so the lookup stays in the table.
  a.scale = std::min(a.scale, kMaxDecimalScale);
  b.scale = std::min(b.scale, kMaxDecimalScale);
  // Both at scale 18 in 128 bits: |mantissa| < 2^63 times 10^18 < 2^124.
  const Int128 left = Int128{a.mantissa} * Int128{kPow10[kMaxDecimalScale - a.scale]};
  const Int128 right = Int128{b.mantissa} * Int128{kPow10[kMaxDecimalScale - b.scale]};
  return left < right ? -1 : (left > right ? 1 : 0);
}

}  // namespace rtm::msg
