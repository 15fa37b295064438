#include "ingest_runner.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include "rtm/feeds/capture_replay.hpp"
#include "rtm/feeds/record_tally.hpp"
#include "rtm/feeds/synthetic_feed.hpp"
#include "rtm/feeds/venue_set.hpp"

namespace rtm::ingest {
namespace {

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string connection_lines(const std::vector<std::unique_ptr<LiveFeed>>& feeds) {
  std::string out;
  for (const auto& feed : feeds) {
    const net::WebSocketCounters& c = feed->connection();
    const LiveFeedCounters& f = feed->counters();
    out += feed->url() + ": " + std::to_string(c.connects.load()) + " connects, " +
           std::to_string(c.connect_failures.load()) + " failed, " + std::to_string(c.stale_timeouts.load()) +
           " stale, " + std::to_string(c.messages.load()) + " messages; " +
           std::to_string(f.snapshots_requested.load()) + " snapshots (" + std::to_string(f.snapshots_failed.load()) +
           " failed), " + std::to_string(f.resubscriptions.load()) + " resubscriptions";
    if (!feed->last_error().empty()) out += "; last: " + feed->last_error();
    out += '\n';
  }
  return out;
}

}  // namespace

struct IngestRunner::Impl {
  Impl(IngestOptions opts, feeds::RecordSink& out, FrameTap frame_tap)
      : options(std::move(opts)), tap(std::move(frame_tap)), tally(&out), venues(catalog, tally) {
    catalog.set_first_sequence(options.first_sequence);
    // Each symbol asked for, on every venue, under the venue's own symbol:
    // their definitions tell the stream side that BTCUSDT is BTC-USD.
    for (const std::string& canonical : options.symbols) {
      for (const msg::Venue venue : {msg::Venue::kBinance, msg::Venue::kCoinbase, msg::Venue::kKraken}) {
        catalog.add({.venue = venue, .symbol = venue_symbol(venue, canonical), .canonical = canonical});
      }
    }
  }

  std::string summary() const { return feeds::format_summary(tally, venues) + connection_lines(live_feeds); }

  double run_synthetic(const volatile std::sig_atomic_t& stop, const SummaryHandler& on_summary) {
    feeds::MarketSimulator market({.seed = options.seed,
                                   .events_per_second = options.rate,
                                   .loss_rate = options.loss,
                                   .start_time_ns = wall_clock_ns()});
    feeds::SyntheticFeed::FrameTap synthetic_tap;
    if (tap) {
      synthetic_tap = [this](const feeds::SimulatedFrame& frame) {
        tap(frame.venue, frame.rest, frame.url, frame.text, frame.ts_ns);
      };
    }
    feeds::SyntheticFeed feed(market, venues, options.speed, synthetic_tap);
    return pump(stop, on_summary, [&]() -> std::optional<std::int64_t> {
      feed.step();
      return feed.now();
    });
  }

  double run_replay(const std::string& path, const volatile std::sig_atomic_t& stop, const SummaryHandler& on_summary) {
    std::ifstream capture(path, std::ios::binary);
    if (!capture) throw std::runtime_error("cannot read " + path);
    feeds::CaptureReplay replay(capture, venues, {.speed = options.speed});
    replay.on_bad_line([](std::uint64_t line, std::string_view reason) {
      std::fprintf(stderr, "capture line %llu: %.*s\n", static_cast<unsigned long long>(line),
                   static_cast<int>(reason.size()), reason.data());
    });
    return pump(stop, on_summary, [&]() -> std::optional<std::int64_t> {
      if (!replay.step()) return std::nullopt;
      return replay.progress().last_ts_recv;
    });
  }

  // Steps a feed on this thread until it ends, time is up or a stop.
  template <class Step>
  double pump(const volatile std::sig_atomic_t& stop, const SummaryHandler& on_summary, Step step) {
    const auto interval = std::chrono::duration<double>(options.summary_every);
    auto next_summary = std::chrono::steady_clock::now() + interval;
    std::int64_t first = 0;
    std::int64_t last = 0;
    auto next_tap = std::chrono::steady_clock::now();
    while (stop == 0) {
      const std::optional<std::int64_t> ts = step();
      if (!ts) break;
      last = *ts;
      if (first == 0) first = last;
      if (options.duration > 0 && static_cast<double>(last - first) / 1e9 >= options.duration) break;
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_tap) {
        next_tap = now + kTapEvery;
        if (counters_tap) counters_tap(venues);
      }
      if (now >= next_summary) {
        next_summary += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
        on_summary(summary());
      }
    }
    if (counters_tap) counters_tap(venues);
    on_summary(summary());
    return static_cast<double>(last - first) / 1e9;
  }

  double run_live(const volatile std::sig_atomic_t& stop, const SummaryHandler& on_summary) {
    for (const msg::Venue venue : options.venues) {
      LiveFeedOptions feed_options;
      feed_options.venue = venue;
      for (const std::string& symbol : options.symbols) feed_options.symbols.push_back(venue_symbol(venue, symbol));
      feed_options.endpoints = endpoints_of(options, venue);
      feed_options.websocket.tls = {options.tls_verify, options.ca_file};
      feed_options.websocket.read_timeout =
          std::chrono::milliseconds(static_cast<std::int64_t>(options.read_timeout * 1000));
      feed_options.http.tls = feed_options.websocket.tls;
      live_feeds.push_back(std::make_unique<LiveFeed>(loop, venues.adapter(venue), feed_options, tap));
    }
    loop.start();
    for (auto& feed : live_feeds) feed->start();
    const auto started = std::chrono::steady_clock::now();
    auto next_summary = started + std::chrono::duration<double>(options.summary_every);
    auto next_tap = started;
    while (stop == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const auto now = std::chrono::steady_clock::now();
      if (counters_tap && now >= next_tap) {
        next_tap = now + kTapEvery;
        loop.post([this] { counters_tap(venues); });
      }
      if (options.duration > 0 && now - started >= std::chrono::duration<double>(options.duration)) break;
      if (now >= next_summary) {
        next_summary += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(options.summary_every));
        // The adapters belong to the loop's thread: the summary is made there.
        std::promise<std::string> made;
        loop.post([&] { made.set_value(summary()); });
        on_summary(made.get_future().get());
      }
    }
    for (auto& feed : live_feeds) feed->stop();
    loop.stop();  // after this nothing touches the adapters but this thread
    if (counters_tap) counters_tap(venues);
    on_summary(summary());
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }

  static constexpr auto kTapEvery = std::chrono::seconds(1);

  IngestOptions options;
  FrameTap tap;
  CountersTap counters_tap;
  feeds::InstrumentCatalog catalog;
  feeds::RecordTally tally;
  feeds::VenueSet venues;
  // The live feeds' clients must go before their loop's I/O context.
  net::EventLoop loop;
  std::vector<std::unique_ptr<LiveFeed>> live_feeds;
};

IngestRunner::IngestRunner(IngestOptions options, feeds::RecordSink& out, FrameTap tap)
    : impl_(std::make_unique<Impl>(std::move(options), out, std::move(tap))) {}

IngestRunner::~IngestRunner() = default;

std::string IngestRunner::describe() const {
  const IngestOptions& o = impl_->options;
  if (o.feed == "synthetic") {
    return "synthetic market (seed " + std::to_string(o.seed) + ", " + std::to_string(static_cast<int>(o.rate)) +
           " events/s) on Binance, Coinbase and Kraken";
  }
  if (o.feed == "live") {
    std::string venues;
    for (const msg::Venue venue : o.venues)
      venues += (venues.empty() ? "" : ", ") + std::string(msg::venue_name(venue));
    std::string symbols;
    for (const std::string& symbol : o.symbols) symbols += (symbols.empty() ? "" : ", ") + symbol;
    return "live feeds from " + venues + " for " + symbols;
  }
  return "replaying " + o.feed.substr(std::string_view("replay:").size());
}

void IngestRunner::set_counters_tap(CountersTap tap) {
  impl_->counters_tap = std::move(tap);
}

double IngestRunner::run(const volatile std::sig_atomic_t& stop, const SummaryHandler& on_summary) {
  const std::string& feed = impl_->options.feed;
  if (feed == "synthetic") return impl_->run_synthetic(stop, on_summary);
  if (feed == "live") return impl_->run_live(stop, on_summary);
  return impl_->run_replay(feed.substr(std::string_view("replay:").size()), stop, on_summary);
}

}  // namespace rtm::ingest
