#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rtm::msg {

// Exact fixed-point decimal: value = mantissa / 10^scale.
//
// Range: the mantissa is a signed 64-bit integer, so at scale s the magnitude
// is at most 9223372036854775807 / 10^s (about 9.2e10 at scale 8, 9.2e18 at
// scale 0); the scale is 0..18. Venue prices and sizes fit comfortably: a
// BTC price of 100000.00000000 needs 1e13 of the 9.2e18 available.
//
// Parsing keeps the scale the text was written with ("16500.10" is 1650010 at
// scale 2, "0.00150000" is 150000 at scale 8), so formatting gives the same
// text back byte for byte for any plain decimal in canonical form (optional
// '-', no redundant leading zeros, optional fraction). Exponent forms are
// accepted because venues send JSON numbers ("1e-5" is 1 at scale 5, "1.5E3"
// is 1500 at scale 0); their value is exact, their text comes back as a plain
// decimal. Anything else is rejected, and nothing is ever rounded or wrapped.
struct Decimal {
  std::int64_t mantissa = 0;
  std::uint8_t scale = 0;  // 0..18; the functions below treat more as invalid
};

inline constexpr std::uint8_t kMaxDecimalScale = 18;
// Longest formatted decimal: sign, 19 digits, point, a leading "0".
inline constexpr std::size_t kMaxDecimalChars = 22;

enum class DecimalError : std::uint8_t {
  kOk = 0,
  kEmpty,          // no text
  kMalformed,      // not a decimal number
  kOverflow,       // magnitude beyond the int64 mantissa at this scale
  kScaleTooLarge,  // more than 18 significant fraction digits
  kInexact,        // rescaling would drop non-zero digits
};

std::string_view to_string(DecimalError error) noexcept;

struct DecimalResult {
  Decimal value;
  DecimalError error = DecimalError::kOk;
  [[nodiscard]] bool ok() const noexcept { return error == DecimalError::kOk; }
};

// Parses text as written. Never allocates, never throws.
DecimalResult parse_decimal(std::string_view text) noexcept;

// Parses text straight into the mantissa at a fixed scale, as the adapters do
// with an instrument's price and size scales: kInexact if the text carries
// non-zero digits finer than the scale.
DecimalResult parse_decimal_at_scale(std::string_view text, std::uint8_t scale) noexcept;

// Converts to another scale exactly, or reports kInexact / kOverflow.
DecimalResult rescale(Decimal value, std::uint8_t scale) noexcept;

// Writes the decimal to out (at least kMaxDecimalChars long), returns the
// number of characters written: exactly `scale` fraction digits, or nothing
// for a scale above 18.
std::size_t format_decimal(Decimal value, char* out) noexcept;
std::string to_string(Decimal value);

// Orders by value regardless of scale: 1.50 == 1.5.
int compare(Decimal a, Decimal b) noexcept;
inline bool same_value(Decimal a, Decimal b) noexcept {
  return compare(a, b) == 0;
}

}  // namespace rtm::msg
