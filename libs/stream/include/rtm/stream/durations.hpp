#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtm::stream {

// "250ms", "30s", "1m", "1h", "1d": a whole number and a unit, as the
// options of bars, statistics and alert rules are written. nullopt for
// anything else, for a negative count and past 64 bits of nanoseconds.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// The other way: the largest unit that divides the duration ("15m", "1d",
// "250ms"), or nanoseconds ("1500ns").
std::string duration_text(std::chrono::nanoseconds duration);

}  // namespace rtm::stream
