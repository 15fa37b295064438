#include "rtm/feeds/synthetic_feed.hpp"

namespace rtm::feeds {

SyntheticFeed::SyntheticFeed(MarketSimulator& market, VenueSet& venues, double speed, FrameTap tap)
    : market_(market), venues_(venues), tap_(std::move(tap)), pacer_(speed) {
  venues_.set_resync_handler(
      [this](msg::Venue venue, std::string_view symbol) { market_.request_snapshot(venue, symbol); });
}

FrameResult SyntheticFeed::step() {
  const SimulatedFrame& frame = market_.next();
  now_ = frame.ts_ns;
  pacer_.wait_until(frame.ts_ns);
  if (tap_) tap_(frame);
  const PaddedFrame padded = buffer_.assign(frame.text);
  // The simulated time is the receive time: a seeded run normalizes to the
  // same records every time.
  return frame.rest ? venues_.on_rest(frame.venue, frame.url, padded, frame.ts_ns)
                    : venues_.on_frame(frame.venue, padded, frame.ts_ns);
}

}  // namespace rtm::feeds
