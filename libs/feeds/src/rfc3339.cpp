#include "rtm/feeds/rfc3339.hpp"

#include "ascii_digits.hpp"

#include <array>
#include <cstring>

namespace rtm::feeds {
namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) noexcept {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
std::int64_t days_from_civil(int year, int month, int day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int year_of_era = year - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468;
}

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// "YYYY-MM-DDTHH:MM:SS" (19 bytes of a text of at least 20), a word at a
// time: every venue message carries one. The separators are compared with
// masks, the digits checked eight at a time, and pairs of digits combined
// in place. False when any of that does not hold; the general path decides.
bool read_date_time_words(const char* t, DateTime& out) noexcept {
  constexpr std::uint64_t kZeros = detail::kAsciiZeros;
  // Bytes 4 and 7 of the first word are '-'; bytes 2 and 5 of the second
  // are 'T' and ':'.
  constexpr std::uint64_t kDateSeparators = 0xFF0000FF00000000ULL;
  constexpr std::uint64_t kDateExpected = (std::uint64_t{'-'} << 56) | (std::uint64_t{'-'} << 32);
  constexpr std::uint64_t kTimeSeparators = 0x0000FF0000FF0000ULL;
  constexpr std::uint64_t kTimeExpected = (std::uint64_t{':'} << 40) | (std::uint64_t{'T'} << 16);
  const std::uint64_t date = detail::load64(t);      // YYYY-MM-
  const std::uint64_t time = detail::load64(t + 8);  // DDTHH:MM
  if ((date & kDateSeparators) != kDateExpected || (time & kTimeSeparators) != kTimeExpected || t[16] != ':') {
    return false;
  }
  // The separators read as '0's, so that each word is eight digits.
  const std::uint64_t date_digits = (date & ~kDateSeparators) | (kZeros & kDateSeparators);
  const std::uint64_t time_digits = (time & ~kTimeSeparators) | (kZeros & kTimeSeparators);
  const unsigned s1 = static_cast<unsigned char>(t[17]) - unsigned{'0'};
  const unsigned s2 = static_cast<unsigned char>(t[18]) - unsigned{'0'};
  if (!detail::eight_ascii_digits(date_digits) || !detail::eight_ascii_digits(time_digits) || s1 > 9 || s2 > 9)
    return false;
  // Each byte times ten plus the next: byte k then holds the two-digit
  // number that starts at byte k (at most 99, so no byte carries).
  const auto pairs = [](std::uint64_t w) {
    const std::uint64_t values = w - kZeros;
    return (values * 10) + (values >> 8);
  };
  const auto byte = [](std::uint64_t w, unsigned k) { return static_cast<int>((w >> (8 * k)) & 0xFF); };
  const std::uint64_t date_pairs = pairs(date_digits);
  const std::uint64_t time_pairs = pairs(time_digits);
  out.year = byte(date_pairs, 0) * 100 + byte(date_pairs, 2);
  out.month = byte(date_pairs, 5);
  out.day = byte(time_pairs, 0);
  out.hour = byte(time_pairs, 3);
  out.minute = byte(time_pairs, 6);
  out.second = static_cast<int>(s1 * 10 + s2);
  return true;
}

// The fraction of "...:SS.fffZ" with 1 to 7 digits (venues send 3 or 6), as
// nanoseconds, from the text's last eight bytes: the digits are moved to the
// word's low bytes (the text's order) and '0's fill the bytes after them, so
// that they read as an eight-digit number 10^(8 - digits) times theirs.
bool read_fraction_word(std::string_view text, std::int64_t& ns) noexcept {
  const std::size_t digits = text.size() - 21;  // text.size() >= 20; "." at 19, 'Z' last
  if (text[19] != '.' || text.back() != 'Z' || digits < 1 || digits > 7) return false;
  const std::uint64_t tail = detail::load64(text.data() + text.size() - 8) >> (8 * (7 - digits));
  const std::uint64_t kept = ~std::uint64_t{0} >> (8 * (8 - digits));
  const std::uint64_t word = (tail & kept) | (detail::kAsciiZeros & ~kept);
  if (!detail::eight_ascii_digits(word)) return false;
  const std::uint64_t values = detail::eight_digit_value(word - detail::kAsciiZeros);
  ns = static_cast<std::int64_t>(values) * 10;
  return true;
}

// The same fields, a digit at a time, for every other separator.
bool read_date_time_bytes(const char* t, DateTime& out) noexcept {
  unsigned not_digits = 0;
  const auto number = [&](std::size_t at, std::size_t count) {
    unsigned value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      const unsigned digit = static_cast<unsigned char>(t[i]) - unsigned{'0'};
      not_digits |= digit > 9 ? 1U : 0U;
      value = value * 10 + digit;
    }
    return static_cast<int>(value);
  };
  out = {number(0, 4), number(5, 2), number(8, 2), number(11, 2), number(14, 2), number(17, 2)};
  return not_digits == 0 && t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == 't' || t[10] == ' ') &&
         t[13] == ':' && t[16] == ':';
}

}  // namespace

bool parse_rfc3339(std::string_view text, std::int64_t& ns) noexcept {
  if (text.size() < 20) return false;
  DateTime dt;
  if (!read_date_time_words(text.data(), dt) && !read_date_time_bytes(text.data(), dt)) return false;
  const auto [year, month, day, hour, minute, second] = dt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 19;
  std::int64_t fraction = 0;
  if (read_fraction_word(text, fraction)) {
    i = text.size() - 1;  // the 'Z'
  } else if (text[i] == '.') {
    ++i;
    const std::size_t first = i;
    for (; i < text.size(); ++i) {
      const unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
      if (digit > 9) break;
      if (i - first < 9) fraction = fraction * 10 + digit;
    }
    const std::size_t fraction_digits = i - first;
    if (fraction_digits == 0) return false;
    // 10^(9 - digits): the fraction in nanoseconds.
    static constexpr std::array<std::int64_t, 9> kScale = {1'000'000'000, 100'000'000, 10'000'000, 1'000'000, 100'000,
                                                           10'000,        1'000,       100,        10};
    if (fraction_digits < 9) fraction *= kScale[fraction_digits];
  }
  std::int64_t offset_seconds = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i + 6 == text.size() && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':') {
    int offset_hours = 0;
    int offset_minutes = 0;
    if (!digits(text, i + 1, 2, offset_hours) || !digits(text, i + 4, 2, offset_minutes)) return false;
    offset_seconds = std::int64_t{offset_hours * 3600 + offset_minutes * 60} * (text[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return false;
  }
  if (i != text.size()) return false;
  const std::int64_t seconds =
      days_from_civil(year, month, day) * 86400 + std::int64_t{hour * 3600 + minute * 60 + second} - offset_seconds;
  // ns since the epoch in 64 bits spans the years 1677 to 2262; a time
  // outside that is refused, not wrapped.
  std::int64_t whole_ns = 0;
  return !__builtin_mul_overflow(seconds, std::int64_t{1'000'000'000}, &whole_ns) &&
         !__builtin_add_overflow(whole_ns, fraction, &ns);
}

}  // namespace rtm::feeds
