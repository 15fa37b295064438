#pragma once

#include <map>
#include <mutex>

#include "rtm/common/metrics.hpp"
#include "rtm/feeds/venue_set.hpp"

namespace rtm::services {

// What the venue adapters did, per venue, as Prometheus families (frames,
// ignored frames, malformed frames, records, gaps, checksum failures,
// crossed books, resyncs): served by rtm run and by rtm-ingest. The
// adapters' counters may only be read on their own thread, so take() copies
// them there and the scrape reads the copy.
class FeedMetrics {
 public:
  explicit FeedMetrics(common::Metrics& metrics);

  // On the adapters' thread (IngestRunner's counters tap).
  void take(const feeds::VenueSet& venues);

 private:
  std::mutex mutex_;  // guards venues_
  std::map<msg::Venue, feeds::AdapterCounters> venues_;
};

}  // namespace rtm::services
