#pragma once

#include <cstdint>
#include <string_view>

namespace rtm::feeds {

// "2014-11-07T08:19:27.028459Z" or with a "+01:00" offset (RFC 3339, any
// number of fraction digits, kept to the nanosecond) to ns since the Unix
// epoch. False for anything else, including times outside the years
// 1677-2262 that 64-bit nanoseconds can hold.
bool parse_rfc3339(std::string_view text, std::int64_t& ns) noexcept;

}  // namespace rtm::feeds
