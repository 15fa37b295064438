#pragma once

#include <mutex>

#include "feed_metrics.hpp"
#include "rtm/common/metrics.hpp"
#include "rtm/feeds/publishing_sink.hpp"
#include "rtm/feeds/venue_set.hpp"
#include "rtm/store/hot_store.hpp"
#include "stream_service.hpp"

namespace rtm::cli {

// rtm run's metrics beyond the API's own: per venue what the adapters did
// (FeedMetrics, as rtm-ingest serves them), the bus (published, dropped,
// the stream side's lag), the stream side
// (records, undecodable, journal errors), the hot store, and each book's
// state. Ingest's counters are copied on ingest's thread (take), the rest
// read when scraped.
class RunMetrics {
 public:
  RunMetrics(common::Metrics& metrics, const feeds::PublishingSink& publishing, const streamsvc::StreamService& stream,
             const store::HotStore& hot_store);

  // On the adapters' thread, about once a second.
  void take(const feeds::VenueSet& venues);

 private:
  services::FeedMetrics feeds_;
  const feeds::PublishingSink& publishing_;
  std::mutex mutex_;  // guards the copy below
  feeds::PublishingCounters published_;
};

}  // namespace rtm::cli
