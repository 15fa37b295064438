#include "run_metrics.hpp"

namespace rtm::cli {
RunMetrics::RunMetrics(common::Metrics& metrics, const feeds::PublishingSink& publishing,
                       const streamsvc::StreamService& stream, const store::HotStore& hot_store)
    : feeds_(metrics), publishing_(publishing) {
  const auto published = [this](std::uint64_t feeds::PublishingCounters::*field) {
    return [this, field] {
      std::lock_guard lock(mutex_);
      return common::Metrics::single(static_cast<double>(published_.*field));
    };
  };
  metrics.counter("rtm_bus_published_total", "Records published on the bus",
                  published(&feeds::PublishingCounters::published));
  metrics.counter("rtm_bus_dropped_total", "Records dropped: the bus stayed full past the wait",
                  published(&feeds::PublishingCounters::dropped));
  metrics.counter("rtm_bus_waits_total", "Publishes that met back-pressure and waited",
                  published(&feeds::PublishingCounters::waits));

  const streamsvc::StreamServiceCounters& streamed = stream.counters();
  metrics.counter("rtm_stream_records_total", "Records processed by the stream side",
                  [&streamed] { return common::Metrics::single(static_cast<double>(streamed.records.load())); });
  metrics.counter("rtm_stream_undecodable_total", "Records the stream side could not decode",
                  [&streamed] { return common::Metrics::single(static_cast<double>(streamed.undecodable.load())); });
  metrics.counter("rtm_stream_lost_total", "Records the stream side's reader lost on the bus",
                  [&streamed] { return common::Metrics::single(static_cast<double>(streamed.lost.load())); });
  metrics.counter("rtm_journal_errors_total", "Records that failed to be journaled",
                  [&streamed] { return common::Metrics::single(static_cast<double>(streamed.journal_errors.load())); });
  metrics.gauge("rtm_bus_lag_records", "Records published but not yet processed by the stream side", [this, &streamed] {
    std::lock_guard lock(mutex_);
    const double behind = static_cast<double>(published_.published) - static_cast<double>(streamed.records.load());
    return common::Metrics::single(behind > 0 ? behind : 0);
  });

  metrics.counter("rtm_hot_store_trades_total", "Trades stored in memory",
                  [&hot_store] { return common::Metrics::single(static_cast<double>(hot_store.counters().trades)); });
  metrics.counter("rtm_hot_store_trades_evicted_total", "Trades let go by retention", [&hot_store] {
    return common::Metrics::single(static_cast<double>(hot_store.counters().trades_evicted));
  });
  metrics.gauge("rtm_book_live", "1 while an instrument's book is current, 0 while stale or resyncing", [&hot_store] {
    common::Metrics::Series series;
    for (const msg::InstrumentDef& definition : hot_store.instruments()) {
      const auto top = hot_store.book(definition.header.instrument_id, 0);
      if (!top) continue;
      series.push_back({{{"instrument", msg::instrument_name(definition)}}, top->live ? 1.0 : 0.0});
    }
    return series;
  });
}

void RunMetrics::take(const feeds::VenueSet& venues) {
  feeds_.take(venues);
  std::lock_guard lock(mutex_);
  published_ = publishing_.counters();
}

}  // namespace rtm::cli
