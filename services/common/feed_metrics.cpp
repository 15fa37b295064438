#include "feed_metrics.hpp"

#include <string>

namespace rtm::services {

FeedMetrics::FeedMetrics(common::Metrics& metrics) {
  // One family per adapter counter, a series per venue.
  const auto per_venue = [this](std::uint64_t feeds::AdapterCounters::*field) {
    return [this, field] {
      std::lock_guard lock(mutex_);
      common::Metrics::Series series;
      for (const auto& [venue, counters] : venues_) {
        series.push_back({{{"venue", std::string(msg::venue_name(venue))}}, static_cast<double>(counters.*field)});
      }
      return series;
    };
  };
  metrics.counter("rtm_feed_frames_total", "Venue frames parsed and normalized",
                  per_venue(&feeds::AdapterCounters::frames_ok));
  metrics.counter("rtm_feed_frames_ignored_total",
                  "Venue frames with nothing to normalize (acks, heartbeats, unknown types)",
                  per_venue(&feeds::AdapterCounters::frames_ignored));
  metrics.counter("rtm_feed_parse_errors_total", "Malformed venue frames, counted and skipped",
                  per_venue(&feeds::AdapterCounters::frames_malformed));
  metrics.counter("rtm_feed_records_total", "Normalized records emitted", per_venue(&feeds::AdapterCounters::records));
  metrics.counter("rtm_feed_gaps_total", "Sequence gaps detected", per_venue(&feeds::AdapterCounters::gaps));
  metrics.counter("rtm_feed_checksum_failures_total", "Book checksums that disagreed with the venue's",
                  per_venue(&feeds::AdapterCounters::checksum_failures));
  metrics.counter("rtm_feed_crossed_books_total", "Books found crossed",
                  per_venue(&feeds::AdapterCounters::crossed_books));
  metrics.counter("rtm_feed_resyncs_total", "Book resyncs asked for", per_venue(&feeds::AdapterCounters::resyncs));
}

void FeedMetrics::take(const feeds::VenueSet& venues) {
  std::lock_guard lock(mutex_);
  for (const msg::Venue venue : {msg::Venue::kBinance, msg::Venue::kCoinbase, msg::Venue::kKraken}) {
    if (const feeds::VenueAdapter* adapter = venues.find(venue)) venues_[venue] = adapter->counters();
  }
}

}  // namespace rtm::services
