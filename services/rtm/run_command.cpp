// rtm run: ingest, the bus and (as they are built) stream processing and the
// API in one process, on the synthetic market by default or a capture.
#include "run_command.hpp"

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "bus_monitor.hpp"
#include "rtm/feeds/capture_replay.hpp"
#include "rtm/feeds/publishing_sink.hpp"
#include "rtm/feeds/record_tally.hpp"
#include "rtm/feeds/synthetic_feed.hpp"
#include "rtm/msg/channels.hpp"
#include "rtm/msg/in_process_transport.hpp"

namespace rtm::cli {
namespace {

constexpr const char* kUsage =
    "usage: rtm run [options]\n"
    "\n"
    "Runs the stack in one process: venue frames through the adapters onto the\n"
    "in-process bus, and a reader of the bus. Prints a summary per instrument every\n"
    "few seconds; Ctrl-C (or SIGTERM) stops it cleanly.\n"
    "\n"
    "options (each also read from the environment variable shown):\n"
    "  --feed synthetic|replay:FILE   RTM_FEED       where frames come from (synthetic)\n"
    "  --seed N                       RTM_SEED       the synthetic market's seed (42)\n"
    "  --rate N                       RTM_RATE       synthetic events per second (200)\n"
    "  --loss P                       RTM_LOSS       share of synthetic book messages lost\n"
    "                                                on the way, to watch resyncs (0)\n"
    "  --speed N                      RTM_SPEED      N times real time; 0 as fast as possible (1)\n"
    "  --duration S                   RTM_DURATION   stop after S seconds of feed time (never)\n"
    "  --summary-every S              RTM_SUMMARY_EVERY  seconds between summaries (5)\n";

struct Options {
  bool help = false;
  std::string feed = "synthetic";
  std::uint64_t seed = 42;
  double rate = 200;
  double loss = 0;
  double speed = 1;
  double duration = 0;  // seconds of feed time; 0 runs until stopped
  double summary_every = 5;
};

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// One option: from its flag if given, else from its environment variable.
class OptionReader {
 public:
  OptionReader(int argc, char** argv) : argc_(argc), argv_(argv) {}

  template <class T>
  bool read(std::string_view flag, const char* variable, T& out, bool (*valid)(T)) {
    std::optional<std::string_view> text;
    for (int i = 0; i + 1 < argc_; ++i) {
      if (argv_[i] == flag) text = argv_[i + 1];
    }
    if (!text) {
      if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') text = value;
    }
    if (!text) return true;
    bool ok = false;
    if constexpr (std::is_same_v<T, std::string>) {
      out = std::string(*text);
      ok = true;
    } else {
      ok = parse_number(*text, out);
    }
    if (!ok || !valid(out)) {
      std::fprintf(stderr, "rtm run: bad value '%.*s' for %.*s (%s)\n", static_cast<int>(text->size()), text->data(),
                   static_cast<int>(flag.size()), flag.data(), variable);
      return false;
    }
    return true;
  }

 private:
  int argc_;
  char** argv_;
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  constexpr std::string_view kValued[] = {"--feed",  "--seed",     "--rate",         "--loss",
                                          "--speed", "--duration", "--summary-every"};
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    const bool valued = std::find(std::begin(kValued), std::end(kValued), arg) != std::end(kValued);
    if (!valued || i + 1 == argc) {
      std::fprintf(stderr, "rtm run: unexpected argument '%s'\n\n%s", argv[i], kUsage);
      return std::nullopt;
    }
    ++i;
  }
  OptionReader reader(argc, argv);
  const bool ok =
      reader.read<std::string>("--feed", "RTM_FEED", options.feed,
                               [](std::string f) { return f == "synthetic" || f.starts_with("replay:"); }) &&
      reader.read<std::uint64_t>("--seed", "RTM_SEED", options.seed, [](std::uint64_t) { return true; }) &&
      reader.read<double>("--rate", "RTM_RATE", options.rate, [](double v) { return v > 0 && v <= 1e6; }) &&
      reader.read<double>("--loss", "RTM_LOSS", options.loss, [](double v) { return v >= 0 && v < 1; }) &&
      reader.read<double>("--speed", "RTM_SPEED", options.speed, [](double v) { return v >= 0; }) &&
      reader.read<double>("--duration", "RTM_DURATION", options.duration, [](double v) { return v >= 0; }) &&
      reader.read<double>("--summary-every", "RTM_SUMMARY_EVERY", options.summary_every,
                          [](double v) { return v > 0; });
  if (!ok) return std::nullopt;
  return options;
}

volatile std::sig_atomic_t g_stop = 0;

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int run_command(int argc, char** argv) {
  const std::optional<Options> options = parse_options(argc, argv);
  if (!options) return 2;
  if (options->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }

  msg::InProcessTransport bus;
  // Ingest waits for a reader that is behind rather than overwrite what it
  // has not read: nothing is lost inside one process.
  bus.configure_channel(msg::kMarketDataChannel, {.capacity = 1U << 16, .policy = msg::OverrunPolicy::kBackPressure});
  BusMonitor monitor(bus);
  const auto publisher = bus.make_publisher(msg::kMarketDataChannel);
  feeds::PublishingSink publishing(*publisher);
  feeds::RecordTally tally(&publishing);
  feeds::InstrumentCatalog catalog;
  feeds::VenueSet venues(catalog, tally);

  std::ifstream capture;
  std::optional<feeds::MarketSimulator> market;
  std::optional<feeds::SyntheticFeed> synthetic;
  std::optional<feeds::CaptureReplay> replay;
  if (options->feed == "synthetic") {
    market.emplace(feeds::MarketSimulatorOptions{.seed = options->seed,
                                                 .events_per_second = options->rate,
                                                 .loss_rate = options->loss,
                                                 .start_time_ns = wall_clock_ns()});
    synthetic.emplace(*market, venues, options->speed);
    std::printf("rtm %s: synthetic market (seed %llu, %.0f events/s) on Binance, Coinbase and Kraken\n", RTM_VERSION,
                static_cast<unsigned long long>(options->seed), options->rate);
  } else {
    const std::string path = options->feed.substr(std::string_view("replay:").size());
    capture.open(path, std::ios::binary);
    if (!capture) {
      std::fprintf(stderr, "rtm run: cannot read %s\n", path.c_str());
      return 1;
    }
    replay.emplace(capture, venues, feeds::ReplayOptions{.speed = options->speed});
    replay->on_bad_line([](std::uint64_t line, std::string_view reason) {
      std::fprintf(stderr, "capture line %llu: %.*s\n", static_cast<unsigned long long>(line),
                   static_cast<int>(reason.size()), reason.data());
    });
    std::printf("rtm %s: replaying %s\n", RTM_VERSION, path.c_str());
  }
  std::printf(
      "The dashboard and the REST and WebSocket API are not part of this build yet; a summary\n"
      "is printed every %.0f s. Ctrl-C stops.\n\n",
      options->summary_every);
  std::fflush(stdout);

  g_stop = 0;
  auto* const previous_int = std::signal(SIGINT, [](int) { g_stop = 1; });
  auto* const previous_term = std::signal(SIGTERM, [](int) { g_stop = 1; });
  const auto summary_interval = std::chrono::duration<double>(options->summary_every);
  auto next_summary = std::chrono::steady_clock::now() + summary_interval;
  std::int64_t first_ts = 0;
  std::int64_t feed_ts = 0;
  auto print_summary = [&] {
    std::printf("%s%s bus: %llu records published, %llu delivered to its reader, %llu lost, %llu dropped\n\n",
                feeds::format_summary(tally, venues).c_str(), "",
                static_cast<unsigned long long>(publishing.counters().published),
                static_cast<unsigned long long>(monitor.delivered()),
                static_cast<unsigned long long>(monitor.lost() + monitor.undecodable()),
                static_cast<unsigned long long>(publishing.counters().dropped));
    std::fflush(stdout);
  };
  while (g_stop == 0) {
    if (synthetic) {
      synthetic->step();
      feed_ts = synthetic->now();
    } else {
      if (!replay->step()) break;
      feed_ts = replay->progress().last_ts_recv;
    }
    if (first_ts == 0) first_ts = feed_ts;
    if (options->duration > 0 && static_cast<double>(feed_ts - first_ts) / 1e9 >= options->duration) break;
    if (std::chrono::steady_clock::now() >= next_summary) {
      next_summary += std::chrono::duration_cast<std::chrono::steady_clock::duration>(summary_interval);
      print_summary();
    }
  }
  std::signal(SIGINT, previous_int);
  std::signal(SIGTERM, previous_term);

  // Let the reader drain what was published, then stop it.
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (monitor.delivered() + monitor.lost() + monitor.undecodable() < publishing.counters().published &&
         std::chrono::steady_clock::now() < drain_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  monitor.stop();
  std::printf("%s after %.1f s of feed time.\n", g_stop != 0 ? "stopped" : "finished",
              static_cast<double>(feed_ts - first_ts) / 1e9);
  print_summary();
  const bool clean = publishing.counters().dropped == 0 && publishing.counters().encode_errors == 0 &&
                     monitor.undecodable() == 0 && monitor.lost() == 0;
  return clean ? 0 : 1;
}

}  // namespace rtm::cli
