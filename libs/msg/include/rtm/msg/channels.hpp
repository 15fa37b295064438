#pragma once

#include <string_view>

namespace rtm::msg {

// The bus's channels, named as the Kafka topics that carry them when the
// services run apart.
inline constexpr std::string_view kMarketDataChannel = "rtm.md.v1";    // normalized venue events
inline constexpr std::string_view kDerivedChannel = "rtm.derived.v1";  // bars, NBBO, stats, alerts

}  // namespace rtm::msg
