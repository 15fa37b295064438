#include "rtm/feeds/rfc3339.hpp"

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

}  // namespace

bool parse_rfc3339(std::string_view text, std::int64_t& ns) noexcept {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 19;
  std::int64_t fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int fraction_digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++fraction_digits) {
      if (fraction_digits < 9) fraction = fraction * 10 + (text[i] - '0');
    }
    if (fraction_digits == 0) return false;
    for (; fraction_digits < 9; ++fraction_digits) fraction *= 10;
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
