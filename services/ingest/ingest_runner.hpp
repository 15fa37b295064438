#pragma once

#include <csignal>
#include <functional>
#include <memory>
#include <string>

#include "ingest_options.hpp"
#include "live_feed.hpp"
#include "rtm/feeds/record_sink.hpp"
#include "rtm/feeds/venue_set.hpp"

namespace rtm::ingest {

// Runs ingest as the options say: the synthetic market, a capture being
// replayed or the live venues, through the venue adapters into `out`.
class IngestRunner {
 public:
  using SummaryHandler = std::function<void(const std::string& summary)>;
  // Sees the adapters' counters about once a second, on the thread the
  // adapters run on (where they may be read): metrics take their copy here.
  using CountersTap = std::function<void(const feeds::VenueSet& venues)>;

  // tap sees every frame (live or synthetic) before its adapter.
  IngestRunner(IngestOptions options, feeds::RecordSink& out, FrameTap tap = {});
  ~IngestRunner();
  IngestRunner(const IngestRunner&) = delete;
  IngestRunner& operator=(const IngestRunner&) = delete;

  // What is about to run, in a line.
  [[nodiscard]] std::string describe() const;
  // Runs until `stop` is set (by a signal handler), the duration has passed
  // or a replay has ended. Calls on_summary every summary_every seconds and
  // once at the end, never concurrently with the adapters. Returns the
  // seconds of feed time that ran. Throws std::runtime_error for a capture
  // that cannot be read or a bad endpoint.
  double run(const volatile std::sig_atomic_t& stop, const SummaryHandler& on_summary);
  // Before run().
  void set_counters_tap(CountersTap tap);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::ingest
