// rtm run: ingest, the bus and (as they are built) stream processing and the
// API in one process, on the synthetic market by default.
#include "run_command.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <thread>

#include "bus_monitor.hpp"
#include "derived_summary.hpp"
#include "ingest_runner.hpp"
#include "rtm/feeds/publishing_sink.hpp"
#include "rtm/msg/channels.hpp"
#include "rtm/msg/in_process_transport.hpp"
#include "stream_service.hpp"
#include "venue_endpoints.hpp"

namespace rtm::cli {
namespace {

constexpr const char* kUsage =
    "usage: rtm run [options]\n"
    "\n"
    "Runs the stack in one process: venue frames through the adapters onto the\n"
    "in-process bus, and the stream processing on the bus (books, bars, the best\n"
    "bid/offer across venues, statistics). Prints a summary per instrument and per\n"
    "symbol every few seconds; Ctrl-C (or SIGTERM) stops it cleanly. The synthetic\n"
    "market is the default feed; --feed live connects to Binance, Coinbase and Kraken.\n"
    "\n"
    "options (each also read from the environment variable shown):\n";

volatile std::sig_atomic_t g_stop = 0;

}  // namespace

int run_command(int argc, char** argv) {
  const std::optional<ingest::IngestOptions> options = ingest::parse_ingest_options("rtm run", argc, argv);
  if (!options) return 2;
  if (options->help) {
    std::printf("%s%s", kUsage, ingest::kIngestOptionsHelp);
    return 0;
  }

  msg::InProcessTransport bus;
  // Ingest waits for a reader that is behind rather than overwrite what it
  // has not read: nothing is lost inside one process.
  bus.configure_channel(msg::kMarketDataChannel, {.capacity = 1U << 16, .policy = msg::OverrunPolicy::kBackPressure});
  BusMonitor monitor(bus);
  // The stream side reads the same channel: every symbol asked for, on every
  // venue, under the venue's own symbol.
  streamsvc::ConfiguredSymbols symbols;
  for (const std::string& canonical : options->symbols) {
    for (const msg::Venue venue : {msg::Venue::kBinance, msg::Venue::kCoinbase, msg::Venue::kKraken}) {
      symbols.add(venue, ingest::venue_symbol(venue, canonical), canonical);
    }
  }
  DerivedSummary derived;
  streamsvc::StreamService stream_service({}, symbols, derived);
  stream_service.recover();
  msg::SubscriptionThread stream_thread(
      bus.make_subscriber(msg::kMarketDataChannel, {.start = msg::StartFrom::kEarliest}), stream_service);
  const auto publisher = bus.make_publisher(msg::kMarketDataChannel);
  feeds::PublishingSink publishing(*publisher);
  ingest::IngestRunner runner(*options, publishing);

  std::printf("rtm %s: %s\n", RTM_VERSION, runner.describe().c_str());
  std::printf(
      "The dashboard and the REST and WebSocket API are not part of this build yet; a summary\n"
      "is printed every %g s. Ctrl-C stops.\n\n",
      options->summary_every);
  std::fflush(stdout);

  auto bus_line = [&] {
    const std::uint64_t unreadable = monitor.lost() + monitor.undecodable();
    char line[256];
    std::snprintf(line, sizeof(line),
                  "bus: %llu records published, %llu delivered to its reader, %llu lost, %llu dropped\n",
                  static_cast<unsigned long long>(publishing.counters().published),
                  static_cast<unsigned long long>(monitor.delivered()), static_cast<unsigned long long>(unreadable),
                  static_cast<unsigned long long>(publishing.counters().dropped));
    return std::string(line);
  };
  g_stop = 0;
  auto* const previous_int = std::signal(SIGINT, [](int) { g_stop = 1; });
  auto* const previous_term = std::signal(SIGTERM, [](int) { g_stop = 1; });
  double seconds = 0;
  std::string last_summary;
  try {
    seconds = runner.run(g_stop, [&](const std::string& summary) {
      last_summary = summary;
      std::printf("%s%s\n%s\n", summary.c_str(), bus_line().c_str(), derived.table(stream_service.processor()).c_str());
      std::fflush(stdout);
    });
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm run: %s\n", error.what());
    return 1;
  }
  std::signal(SIGINT, previous_int);
  std::signal(SIGTERM, previous_term);

  // Let the reader drain what was published, then stop it. It is at most a
  // ring behind, which takes milliseconds to read; the generous deadline is
  // for a machine busy with other work, where the reader may wait for a core.
  const auto read_all = [&] {
    const auto& streamed = stream_service.counters();
    return monitor.delivered() + monitor.lost() + monitor.undecodable() >= publishing.counters().published &&
           streamed.records + streamed.undecodable + streamed.lost >= publishing.counters().published;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!read_all() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  monitor.stop();
  stream_thread.stop();
  if (!read_all()) std::fprintf(stderr, "rtm run: the bus reader did not catch up before the deadline\n");
  std::printf("%s after %.1f s of feed time.\n%s%s\n%s", g_stop != 0 ? "stopped" : "finished", seconds,
              last_summary.c_str(), bus_line().c_str(), derived.table(stream_service.processor()).c_str());
  const bool clean = publishing.counters().dropped == 0 && publishing.counters().encode_errors == 0 &&
                     monitor.undecodable() == 0 && monitor.lost() == 0 && read_all();
  return clean ? 0 : 1;
}

}  // namespace rtm::cli
