// rtm run: ingest, the bus and (as they are built) stream processing and the
// API in one process, on the synthetic market by default.
#include "run_command.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bus_monitor.hpp"
#include "api_server.hpp"
#include "run_metrics.hpp"
#include "service_options.hpp"
#include "derived_summary.hpp"
#include "ingest_runner.hpp"
#include "rtm/feeds/publishing_sink.hpp"
#include "rtm/msg/channels.hpp"
#include "rtm/msg/in_process_transport.hpp"
#include "derived_publisher.hpp"
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
    "With --journal, every record is journaled before it is processed, and a restart\n"
    "rebuilds books, bars and statistics from the journal before it goes on.\n"
    "\n"
    "options (each also read from the environment variable shown):\n";

volatile std::sig_atomic_t g_stop = 0;

std::string recovery_line(const store::JournalOptions& journal, const store::RecoveryReport& report) {
  std::string line = "journal " + journal.directory.string() + ": " + std::to_string(report.records) +
                     " records recovered from " + std::to_string(report.segments) + " segments";
  if (report.torn_tail) {
    line += "; a torn tail of " + std::to_string(report.torn_bytes) + " bytes cut from " + report.torn_file.string();
  }
  if (report.corrupt_skipped > 0) line += "; " + std::to_string(report.corrupt_skipped) + " corrupt records skipped";
  return line;
}

}  // namespace

int run_command(int argc, char** argv) {
  const std::optional<services::ServiceOptions> run_options =
      services::take_service_options("rtm run", argc, argv, services::kAllServiceOptions);
  if (!run_options) return 2;
  const std::optional<ingest::IngestOptions> options = ingest::parse_ingest_options("rtm run", argc, argv);
  if (!options) return 2;
  if (options->help) {
    std::printf("%s%s%s", kUsage,
                services::service_options_help(services::kAllServiceOptions,
                                               "the dashboard and the REST API (0.0.0.0:8080)")
                    .c_str(),
                ingest::kIngestOptionsHelp);
    return 0;
  }

  msg::InProcessTransport bus;
  // Ingest waits for a reader that is behind rather than overwrite what it
  // has not read: nothing is lost inside one process.
  bus.configure_channel(msg::kMarketDataChannel, {.capacity = 1U << 16, .policy = msg::OverrunPolicy::kBackPressure});
  BusMonitor monitor(bus);
  // What the stream side derives goes out on its own channel; its readers
  // (the summary here) never hold the stream side up.
  bus.configure_channel(msg::kDerivedChannel, {.capacity = 1U << 14, .policy = msg::OverrunPolicy::kOverwrite});
  const auto derived_publisher = bus.make_publisher(msg::kDerivedChannel);
  streamsvc::DerivedPublisher derived_out(*derived_publisher);
  DerivedSummary derived;
  msg::SubscriptionThread derived_thread(
      bus.make_subscriber(msg::kDerivedChannel, {.start = msg::StartFrom::kEarliest}), derived);
  store::HotStore hot_store;
  common::Metrics metrics;
  streamsvc::StreamServiceOptions stream_options;
  stream_options.journal = run_options->journal;
  stream_options.skip_corrupt = run_options->skip_corrupt;
  stream_options.hot_store = &hot_store;
  stream_options.stream.alerts = run_options->alerts;
  stream_options.metrics = &metrics;
  streamsvc::StreamService stream_service(std::move(stream_options), derived_out);
  try {
    const store::RecoveryReport recovered = stream_service.recover();
    if (run_options->journal) std::printf("%s\n", recovery_line(*run_options->journal, recovered).c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm run: %s\n", error.what());
    return 1;
  }
  msg::SubscriptionThread stream_thread(
      bus.make_subscriber(msg::kMarketDataChannel, {.start = msg::StartFrom::kEarliest}), stream_service);
  const auto publisher = bus.make_publisher(msg::kMarketDataChannel);
  // A live venue cannot be paused, so ingest waits only briefly for a reader
  // behind it before it drops (and counts) a record. The synthetic market and
  // a replay can be paused for as long as the reader needs: on a busy machine
  // a journal write can hold the stream side up far longer than 100 ms.
  const bool pausable_feed = options->feed != "live";
  feeds::PublishingSink publishing(*publisher, pausable_feed ? std::chrono::milliseconds(30'000)
                                                             : std::chrono::milliseconds(100));
  ingest::IngestRunner runner(*options, publishing);
  RunMetrics run_metrics(metrics, publishing, stream_service, hot_store);
  runner.set_counters_tap([&](const feeds::VenueSet& venues) { run_metrics.take(venues); });

  // The API answers from the hot store and the bus on threads of its own.
  std::atomic<bool> stopping{false};
  api::ApiServerOptions api_options = run_options->api;
  api_options.metrics = &metrics;
  api::ApiServer api_server(hot_store, bus, api_options,
                            [&] { return !stopping && stream_service.counters().records > 0; });
  try {
    api_server.start();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm run: %s\n", error.what());
    return 1;
  }

  std::printf("rtm %s: %s\n", RTM_VERSION, runner.describe().c_str());
  const std::string host = run_options->api.http.address == "0.0.0.0" ? "localhost" : run_options->api.http.address;
  std::printf(
      "Dashboard at http://%s:%u/ (REST under /v1, WebSocket at /ws, /healthz, /readyz); a summary is\n"
      "printed every %g s. "
      "Ctrl-C stops.\n\n",
      host.c_str(), static_cast<unsigned>(api_server.port()), options->summary_every);
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
      std::printf("%s%s\n%s\n", summary.c_str(), bus_line().c_str(), derived.table(hot_store).c_str());
      std::fflush(stdout);
    });
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm run: %s\n", error.what());
    return 1;
  }
  std::signal(SIGINT, previous_int);
  std::signal(SIGTERM, previous_term);
  // Not ready from here on; the API answers until the end.
  stopping = true;

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
  // The summary's reader then takes the last of what the stream side derived.
  while (derived.seen() < derived_out.published() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  derived_thread.stop();
  if (!read_all()) std::fprintf(stderr, "rtm run: the bus reader did not catch up before the deadline\n");
  std::printf("%s after %.1f s of feed time.\n%s%s\n%s", g_stop != 0 ? "stopped" : "finished", seconds,
              last_summary.c_str(), bus_line().c_str(), derived.table(hot_store).c_str());
  const bool clean = publishing.counters().dropped == 0 && publishing.counters().encode_errors == 0 &&
                     monitor.undecodable() == 0 && monitor.lost() == 0 && read_all();
  return clean ? 0 : 1;
}

}  // namespace rtm::cli
