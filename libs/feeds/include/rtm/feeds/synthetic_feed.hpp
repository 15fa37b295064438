#pragma once

#include <functional>

#include "rtm/feeds/frame.hpp"
#include "rtm/feeds/market_simulator.hpp"
#include "rtm/feeds/pacer.hpp"
#include "rtm/feeds/venue_set.hpp"

namespace rtm::feeds {

// The synthetic market as a feed source: each simulated frame handed to its
// venue's adapter, paced against the wall clock (speed 1 is real time, 0 as
// fast as possible), with the adapters' resync requests answered by the
// simulated venues as live ones would (a REST snapshot, a resubscription).
class SyntheticFeed {
 public:
  // Sees each frame before its adapter does (rtm record writes them).
  using FrameTap = std::function<void(const SimulatedFrame& frame)>;

  SyntheticFeed(MarketSimulator& market, VenueSet& venues, double speed, FrameTap tap = {});

  // Hands the next frame to its adapter; returns its result.
  FrameResult step();
  // Simulated time of the last frame, ns.
  [[nodiscard]] std::int64_t now() const noexcept { return now_; }

 private:
  MarketSimulator& market_;
  VenueSet& venues_;
  FrameTap tap_;
  Pacer pacer_;
  FrameBuffer buffer_;
  std::int64_t now_ = 0;
};

}  // namespace rtm::feeds
