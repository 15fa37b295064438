// rtm aggregate: a capture through the same adapters and stream operators as
// the live stack, the derived records out as JSON lines. What analysts use to
// check the live system: the same input gives byte-identical output.
#include "aggregate_command.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/json/derived_json.hpp"
#include "input_file.hpp"
#include "json_lines_sink.hpp"
#include "rtm/feeds/capture_replay.hpp"
#include "rtm/feeds/venue_set.hpp"
#include "rtm/msg/codec.hpp"
#include "rtm/store/journal.hpp"
#include "rtm/stream/durations.hpp"
#include "stream_feed.hpp"

namespace rtm::cli {
namespace {

constexpr const char* kUsage =
    "usage: rtm aggregate [--interval 1m[,5m,...]] [--nbbo] [--stats [1m,5m,...]] [--alerts RULES]\n"
    "                     [--open] [--lateness 2s] [--canonical MAP] [--skip-corrupt] [FILE|JOURNAL]\n"
    "\n"
    "Feeds a capture (as rtm record writes it; FILE or standard input) through the\n"
    "venue adapters and the stream operators, or the normalized records of a journal\n"
    "directory (as rtm run --journal writes it) through the operators alone, and\n"
    "writes the derived records as JSON\n"
    "lines: bars per instrument and per canonical symbol for each interval (final\n"
    "bars, and a revision for every late trade; --open adds the open bars' updates),\n"
    "with --nbbo the cross-venue best bid/offer whenever it changes, and with --stats\n"
    "each instrument's rolling statistics over the windows given (1m,5m,1h if none)\n"
    "once a second of event time. Intervals and windows: a number and ms, s, m, h or\n"
    "d (default 1m). --alerts evaluates rules, comma-separated: price_move:1m:2 (a 2%\n"
    "move over the 1m stats window), volume_spike:1m:3[:20] (a bar 3x the mean of the\n"
    "20 before), wide_spread:25 (bps), stale_feed:30s, crossed_market[:5] (bps); each\n"
    "may end in @info, @warning or @critical. --canonical maps venue symbols to the\n"
    "canonical symbols their composites are built under, comma-separated:\n"
    "binance:BTCUSDT=BTC-USD (by default each venue's own name gives it: BTC-USDT).\n"
    "Bad lines go to stderr and are skipped. A journal is only read, never changed: a\n"
    "torn tail (a writer still at work, or killed) ends the input; a corrupt record\n"
    "stops with its file and offset unless --skip-corrupt (then it is counted).\n"
    "The same input always gives the same output.\n";

struct Options {
  bool help = false;
  std::string file;
  std::vector<std::chrono::nanoseconds> intervals;
  std::chrono::nanoseconds lateness = std::chrono::seconds(2);
  std::vector<std::chrono::nanoseconds> windows;
  std::vector<stream::AlertRuleConfig> alerts;
  std::string canonical_map;
  bool nbbo = false;
  bool stats = false;
  bool open = false;
  bool skip_corrupt = false;
};

// "1m,5m,1h": appends each; false unless every one is a positive duration.
bool parse_durations(std::string_view list, std::vector<std::chrono::nanoseconds>& out) {
  std::vector<std::chrono::nanoseconds> parsed;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const auto duration = stream::parse_duration(list.substr(0, comma));
    if (!duration || duration->count() == 0) return false;
    parsed.push_back(*duration);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  if (parsed.empty()) return false;
  out.insert(out.end(), parsed.begin(), parsed.end());
  return true;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--interval" && i + 1 < argc) {
      if (!parse_durations(argv[++i], options.intervals)) {
        std::fprintf(stderr, "rtm aggregate: --interval takes durations such as 1m,5m,1h, not '%s'\n", argv[i]);
        return std::nullopt;
      }
    } else if (arg == "--stats") {
      options.stats = true;
      // An optional list of windows follows.
      if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("-") &&
          parse_durations(argv[i + 1], options.windows)) {
        ++i;
      }
    } else if (arg == "--lateness" && i + 1 < argc) {
      const auto lateness = stream::parse_duration(argv[++i]);
      if (!lateness) {
        std::fprintf(stderr, "rtm aggregate: --lateness takes a duration such as 2s, not '%s'\n", argv[i]);
        return std::nullopt;
      }
      options.lateness = *lateness;
    } else if (arg == "--canonical" && i + 1 < argc) {
      options.canonical_map = argv[++i];
    } else if (arg == "--skip-corrupt") {
      options.skip_corrupt = true;
    } else if (arg == "--nbbo") {
      options.nbbo = true;
    } else if (arg == "--open") {
      options.open = true;
    } else if (arg == "--alerts" && i + 1 < argc) {
      std::string error;
      auto rules = stream::parse_alert_rules(argv[++i], error);
      if (!rules) {
        std::fprintf(stderr, "rtm aggregate: %s\n", error.c_str());
        return std::nullopt;
      }
      options.alerts = std::move(*rules);
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (!arg.starts_with("--") && options.file.empty()) {
      options.file = arg;
    } else {
      std::fprintf(stderr, "rtm aggregate: unexpected argument '%s'\n\n%s", argv[i], kUsage);
      return std::nullopt;
    }
  }
  if (options.intervals.empty()) options.intervals.emplace_back(std::chrono::minutes(1));
  return options;
}

// Prints what the operators derive: bars (final ones and revisions, or
// every update with --open) and, if asked, the best bid/offer.
class JsonDerivedSink final : public stream::DerivedSink {
 public:
  explicit JsonDerivedSink(const Options& options) : options_(options) {}
  void attach(StreamFeed& feed) { feed_ = &feed; }

  void on_bar(const msg::Bar& bar) override {
    if (!options_.open && (bar.header.flags & msg::flags::kFinal) == 0) return;
    write_json_line(json::bar_json(bar, name_of(bar.header)));
  }
  void on_nbbo(const msg::Nbbo& nbbo) override {
    if (options_.nbbo) write_json_line(json::nbbo_json(nbbo, name_of(nbbo.header)));
  }
  void on_stats(const msg::Stats& stats) override {
    if (options_.stats) write_json_line(json::stats_json(stats, name_of(stats.header)));
  }
  void on_alert(const msg::Alert& alert) override { write_json_line(json::alert_json(alert, name_of(alert.header))); }

 private:
  std::string name_of(const msg::RecordHeader& header) const {
    if (header.venue == msg::Venue::kComposite) return feed_->processor().symbol_of(header.instrument_id);
    return feed_->directory().name(header.instrument_id);
  }

  const Options& options_;
  StreamFeed* feed_ = nullptr;
};

// A capture's frames through the venue adapters into the feed; the number
// of lines read, or nullopt on a read error.
std::optional<std::uint64_t> aggregate_capture(const std::string& path, StreamFeed& feed) {
  std::ifstream file;
  std::istream* const input = open_input(path, file, "rtm aggregate");
  if (input == nullptr) return std::nullopt;
  feeds::InstrumentCatalog catalog;
  feeds::VenueSet venues(catalog, feed);
  feeds::CaptureReplay replay(*input, venues, {.speed = 0});
  replay.on_bad_line([](std::uint64_t line, std::string_view reason) {
    std::fprintf(stderr, "line %llu: %.*s\n", static_cast<unsigned long long>(line), static_cast<int>(reason.size()),
                 reason.data());
  });
  while (replay.step()) {
  }
  if (input->bad()) {
    std::fprintf(stderr, "rtm aggregate: read error\n");
    return std::nullopt;
  }
  return replay.progress().lines;
}

// A journal's records into the feed, read only; the number of records, or
// nullopt when the journal cannot be read.
std::optional<std::uint64_t> aggregate_journal(const std::string& directory, bool skip_corrupt, StreamFeed& feed) {
  std::uint64_t undecodable = 0;
  const store::RecoveryReport report = store::recover_journal(
      directory, {.skip_corrupt = skip_corrupt, .truncate_torn_tail = false}, [&](std::span<const std::byte> bytes) {
        msg::AnyRecord record;
        if (!msg::decode(bytes, record).ok()) {
          ++undecodable;
          return;
        }
        if (const auto* definition = std::get_if<msg::InstrumentDef>(&record)) {
          feed.on_instrument(*definition);
        } else {
          feed.processor().on_record(record);
        }
      });
  if (!report.ok) {
    std::fprintf(stderr, "rtm aggregate: journal %s: %s\n", directory.c_str(), report.error.c_str());
    return std::nullopt;
  }
  if (report.torn_tail) {
    std::fprintf(stderr, "rtm aggregate: the journal ends in a torn record (%llu bytes in %s), left as it is\n",
                 static_cast<unsigned long long>(report.torn_bytes), report.torn_file.c_str());
  }
  if (report.corrupt_skipped + undecodable > 0) {
    std::fprintf(stderr, "rtm aggregate: %llu corrupt records skipped, %llu undecodable\n",
                 static_cast<unsigned long long>(report.corrupt_skipped), static_cast<unsigned long long>(undecodable));
  }
  return report.records;
}

}  // namespace

int aggregate_command(int argc, char** argv) {
  const std::optional<Options> options = parse_options(argc, argv);
  if (!options) return 2;
  if (options->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  JsonDerivedSink out(*options);
  stream::StreamOptions stream_options;
  stream_options.bars.intervals = options->intervals;
  stream_options.bars.allowed_lateness = options->lateness;
  if (!options->windows.empty()) stream_options.stats.windows = options->windows;
  stream_options.alerts = options->alerts;
  std::unique_ptr<StreamFeed> feed;
  try {
    feed = std::make_unique<StreamFeed>(std::move(stream_options), out);
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "rtm aggregate: %s\n", error.what());
    return 2;
  }
  if (std::string error; !feed->directory().set_canonical_map(options->canonical_map, error)) {
    std::fprintf(stderr, "rtm aggregate: --canonical: %s\n", error.c_str());
    return 2;
  }
  out.attach(*feed);
  const bool journal = !options->file.empty() && std::filesystem::is_directory(options->file);
  const std::optional<std::uint64_t> read = journal
                                                ? aggregate_journal(options->file, options->skip_corrupt, *feed)
                                                : aggregate_capture(options->file, *feed);
  if (!read) return 1;
  stream::StreamProcessor& processor = feed->processor();
  processor.finish();
  std::fflush(stdout);
  const stream::BarCounters& bars = processor.bars().counters();
  std::fprintf(stderr,
               "rtm aggregate: %llu %s, %llu trades, %llu bars final, %llu revisions, %llu trades too late, "
               "%llu alerts\n",
               static_cast<unsigned long long>(*read), journal ? "records" : "lines",
               static_cast<unsigned long long>(bars.trades),
               static_cast<unsigned long long>(bars.bars_final), static_cast<unsigned long long>(bars.revisions),
               static_cast<unsigned long long>(bars.trades_too_late),
               static_cast<unsigned long long>(processor.alerts().alerts()));
  return 0;
}

}  // namespace rtm::cli
