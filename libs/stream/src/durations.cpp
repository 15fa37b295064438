#include "rtm/stream/durations.hpp"

#include <array>
#include <charconv>

namespace rtm::stream {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t ns;
};
// Largest first, so that duration_text picks the coarsest that fits.
constexpr std::array<Unit, 5> kUnits = {{{"d", 86'400'000'000'000},
                                         {"h", 3'600'000'000'000},
                                         {"m", 60'000'000'000},
                                         {"s", 1'000'000'000},
                                         {"ms", 1'000'000}}};

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end == text.data() || count < 0) return std::nullopt;
  const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  for (const Unit& unit : kUnits) {
    std::int64_t ns = 0;
    if (unit.suffix == suffix) {
      if (__builtin_mul_overflow(count, unit.ns, &ns)) return std::nullopt;
      return std::chrono::nanoseconds(ns);
    }
  }
  return std::nullopt;
}

std::string duration_text(std::chrono::nanoseconds duration) {
  const std::int64_t ns = duration.count();
  for (const Unit& unit : kUnits) {
    if (ns != 0 && ns % unit.ns == 0) return std::to_string(ns / unit.ns) + std::string(unit.suffix);
  }
  return std::to_string(ns) + "ns";
}

}  // namespace rtm::stream
