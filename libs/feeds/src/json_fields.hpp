#pragma once

// Helpers the venue adapters share for reading simdjson On-Demand values into
// rtm's exact types. Private to libs/feeds.
#include <simdjson.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "ascii_digits.hpp"
#include "plain_decimal.hpp"
#include "rtm/feeds/frame.hpp"
#include "rtm/feeds/instrument_catalog.hpp"
#include "rtm/feeds/rfc3339.hpp"
#include "rtm/feeds/venue_adapter.hpp"
#include "rtm/msg/decimal.hpp"

namespace rtm::feeds::detail {

namespace od = simdjson::ondemand;

// Values are taken by reference and the helpers are forced inline: an
// On-Demand value is an iterator into the document, and passing it into
// out-of-line helpers made field parsing about 1.4x slower than the same
// code written inline (measured on Binance trades).

inline simdjson::padded_string_view padded(PaddedFrame frame) noexcept {
  return simdjson::padded_string_view(frame.text.data(), frame.text.size(), frame.text.size() + kFramePadding);
}

// The key of a field as written (no unescaping: the keys adapters look for
// contain no escapes, so an escaped key simply matches none of them).
// The closing quote is found eight bytes at a time (keys are short, so
// usually in one step); the parser has validated the document, so it is
// there, and the frame's padding makes the bytes past it readable.
inline std::string_view key_of(od::field& field) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  const char* start = field.key().raw();
  const char* end = start;
  for (;;) {
    const std::uint64_t word = load64(end);
    // A byte of 0 where the word has a quote or a backslash; the lowest
    // flagged byte is exact (only bytes above a match can be flagged falsely).
    const std::uint64_t quotes = word ^ (kOnes * '"');
    const std::uint64_t backslashes = word ^ (kOnes * '\\');
    const std::uint64_t found = (((quotes - kOnes) & ~quotes) | ((backslashes - kOnes) & ~backslashes)) & kHighBits;
    if (found == 0) {
      end += 8;
      continue;
    }
    end += static_cast<std::size_t>(std::countr_zero(found)) / 8;
    if (*end == '"') break;
    end += 2;  // an escaped character
  }
  return {start, static_cast<std::size_t>(end - start)};
}

// Calls on_field(key, value) for each field of an object, in order; false
// as soon as the object turns out malformed or on_field returns false. The
// field is used where the iterator holds it: a copy of it was assembled
// from several small stores and read back whole, and that read waited for
// the stores (a stall that was half of a Binance trade's parse).
template <class OnField>
[[gnu::always_inline]] inline bool for_each_field(od::object object, OnField&& on_field) {
  for (auto field_result : object) {
    if (field_result.error() != simdjson::SUCCESS) return false;
    od::field& field = field_result.value_unsafe();
    if (!on_field(key_of(field), field.value())) return false;
  }
  return true;
}

// False unless the value is an object and on_field accepts every field.
template <class OnField>
[[gnu::always_inline]] inline bool for_each_field(od::value value, OnField&& on_field) {
  od::object object;
  return value.get_object().get(object) == simdjson::SUCCESS && for_each_field(object, on_field);
}

// The text of a JSON string that holds a number ("16500.10"), straight from
// the frame: no unescaping copy, since a decimal has nothing to unescape (a
// backslash would fail the decimal parse that follows).
[[gnu::always_inline]] inline bool number_string(od::value& value, std::string_view& out) noexcept {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && token.back() != '"') token.remove_suffix(1);  // trailing whitespace
  if (token.size() < 2 || token.front() != '"') return false;
  out = token.substr(1, token.size() - 2);
  return true;
}

// The text of a JSON number (Kraken's prices), kept as text so that it stays
// exact: 0.5117 becomes 5117 at scale 4, never the nearest double.
[[gnu::always_inline]] inline bool number_token(od::value& value, std::string_view& out) noexcept {
  std::string_view token = value.raw_json_token();
  while (!token.empty() &&
         (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' || token.back() == '\t')) {
    token.remove_suffix(1);
  }
  if (token.empty() || token.front() == '"' || token.front() == '{' || token.front() == '[') return false;
  out = token;
  return true;
}

// A decimal's text at a fixed scale; false if malformed, out of range or
// finer than the scale. The text must lie in a padded frame.
[[gnu::always_inline]] inline bool to_mantissa(std::string_view text, std::uint8_t scale, std::int64_t& out) noexcept {
  if (plain_mantissa(text, scale, out)) return true;
  const msg::DecimalResult parsed = msg::parse_decimal_at_scale(text, scale);
  out = parsed.value.mantissa;
  return parsed.ok();
}

[[gnu::always_inline]] inline bool unsigned_integer(od::value& value, std::uint64_t& out) noexcept {
  return value.get_uint64().get(out) == simdjson::SUCCESS;
}

// Whether a string's text (inside a padded frame) holds a backslash, eight
// bytes at a time: these strings are a few bytes long, and a byte loop or a
// memchr call costs more than the parse of the value around them.
[[gnu::always_inline]] inline bool has_backslash(std::string_view text) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  for (std::size_t at = 0; at < text.size(); at += 8) {
    const std::uint64_t word = load64(text.data() + at) ^ (kOnes * '\\');
    // Flags bytes of the word that are a backslash (and, through a borrow,
    // only bytes above one); bytes past the text's end are masked off.
    std::uint64_t found = (word - kOnes) & ~word & kHighBits;
    if (text.size() - at < 8) found &= ~std::uint64_t{0} >> (8 * (8 - (text.size() - at)));
    if (found != 0) return true;
  }
  return false;
}

// A JSON string. The strings venues send (symbols, sides, types, times) hold
// no escapes, so their text is taken in place from the frame; only one with
// a backslash is unescaped, into the parser's buffer. The parser has already
// validated the document (UTF-8, no raw control characters).
[[gnu::always_inline]] inline bool string_value(od::value& value, std::string_view& out) noexcept {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && token.back() != '"') token.remove_suffix(1);  // trailing whitespace
  if (token.size() >= 2 && token.front() == '"') {
    const std::string_view text = token.substr(1, token.size() - 2);
    if (!has_backslash(text)) {
      out = text;
      return true;
    }
  }
  return value.get_string().get(out) == simdjson::SUCCESS;
}

constexpr std::int64_t kNanosPerMilli = 1'000'000;

using feeds::parse_rfc3339;

// A book level as read from the frame, before it is converted: the text is
// kept until the whole frame has parsed, so field order does not matter and
// nothing is applied from a frame that turns out malformed.
struct RawLevel {
  msg::BookSide side = msg::BookSide::kBid;
  std::string_view price;
  std::string_view size;
};

// The levels at the instrument's scales; false if a price or size is not a
// decimal at its scale or a size is negative.
inline bool convert_levels(const std::vector<RawLevel>& raw_levels, const Instrument& instrument,
                           std::vector<BookLevelUpdate>& levels) {
  levels.clear();
  for (const RawLevel& raw : raw_levels) {
    BookLevelUpdate level{raw.side, 0, 0};
    if (!to_mantissa(raw.price, instrument.spec.price_scale, level.price) ||
        !to_mantissa(raw.size, instrument.spec.size_scale, level.size) || level.size < 0) {
      return false;
    }
    levels.push_back(level);
  }
  return true;
}

}  // namespace rtm::feeds::detail
