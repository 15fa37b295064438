#include "rtm/msg/ids.hpp"

#include <array>
#include <utility>

namespace rtm::msg {
namespace {
constexpr std::array<std::pair<Venue, std::string_view>, 5> kVenueNames{{
    {Venue::kUnknown, "unknown"},
    {Venue::kBinance, "binance"},
    {Venue::kCoinbase, "coinbase"},
    {Venue::kKraken, "kraken"},
    {Venue::kComposite, "composite"},
}};
}  // namespace

std::string_view venue_name(Venue venue) noexcept {
  for (const auto& [id, name] : kVenueNames) {
    if (id == venue) return name;
  }
  return "unknown";
}

std::optional<Venue> parse_venue(std::string_view name) noexcept {
  for (const auto& [id, known] : kVenueNames) {
    if (known == name && id != Venue::kUnknown) return id;
  }
  return std::nullopt;
}

}  // namespace rtm::msg
