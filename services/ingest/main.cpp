// rtm-ingest: connects to the configured venues (or runs the synthetic
// market, or replays a capture) and publishes normalized records to Kafka's
// market-data topic, keyed by canonical symbol, for rtm-stream and rtm-api.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>

#include "feed_metrics.hpp"
#include "ingest_runner.hpp"
#include "kafka_cli_options.hpp"
#include "kafka_metrics.hpp"
#include "ops_server.hpp"
#include "option_reader.hpp"
#include "rtm/common/allocator_tuning.hpp"
#include "rtm/feeds/publishing_sink.hpp"
#include "rtm/kafka/kafka_transport.hpp"
#include "rtm/msg/channels.hpp"
#include "split_flags.hpp"
#include "stop_signals.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr const char* kUsage =
    "usage: rtm-ingest --brokers HOST:PORT [options]\n"
    "\n"
    "Normalizes venue feeds (or the synthetic market, or a capture) onto Kafka's\n"
    "market-data topic, keyed by canonical symbol, and prints a summary every few seconds.\n"
    "Serves /healthz, /readyz and /metrics. SIGINT or SIGTERM stops it after flushing.\n"
    "\n"
    "options (each also read from the environment variable shown):\n"
    "  --listen ADDRESS:PORT        RTM_LISTEN           health and metrics (0.0.0.0:9101)\n";


}  // namespace

int main(int argc, char** argv) {
  rtm::common::tune_allocator_for_server();
  using namespace rtm;
  if (services::wants_help(argc - 1, argv + 1)) {
    std::printf("%s%s%s", kUsage, services::kKafkaOptionsHelp, ingest::kIngestOptionsHelp);
    return 0;
  }
  int rest = argc - 1;
  char** args = argv + 1;
  const auto kafka_options = services::take_kafka_options("rtm-ingest", rest, args);
  if (!kafka_options) return 2;
  std::vector<char*> own = services::split_flags(rest, args, {"--listen"});
  net::HttpServerOptions listen{.port = 9101};
  services::OptionReader reader("rtm-ingest", static_cast<int>(own.size()), own.data());
  if (!reader.read("--listen", "RTM_LISTEN", listen.address,
                   [&](const std::string& text) { return services::parse_listen_address(text, listen); })) {
    return 2;
  }
  ingest::IngestOptions defaults;
  // rtm-stream drops records whose sequence it has seen: a restarted
  // rtm-ingest must go on above where the last run stopped, never restart at 1.
  defaults.first_sequence =
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch() / std::chrono::nanoseconds(1));
  auto options = ingest::parse_ingest_options("rtm-ingest", rest, args, defaults);
  if (!options) return 2;

  services::exit_on_stop_signals();
  try {
    kafka::KafkaTransport bus(kafka_options->kafka, kafka_options->topics);
    bus.ensure_topics({msg::kMarketDataChannel, msg::kDerivedChannel}, std::chrono::seconds(30));
    const auto publisher = bus.make_kafka_publisher(msg::kMarketDataChannel);
    // A cluster away for longer than this loses records (counted as dropped).
    feeds::PublishingSink publishing(*publisher, std::chrono::seconds(30));
    ingest::IngestRunner runner(*options, publishing);

    common::Metrics metrics;
    services::register_kafka_metrics(metrics, bus.counters());
    services::FeedMetrics feed_metrics(metrics);
    runner.set_counters_tap([&](const feeds::VenueSet& venues) { feed_metrics.take(venues); });
    metrics.counter("rtm_ingest_records_published_total", "Normalized records published", [&] {
      return common::Metrics::single(static_cast<double>(publishing.counters().published));
    });
    metrics.counter("rtm_ingest_records_dropped_total", "Normalized records the bus refused for too long", [&] {
      return common::Metrics::single(static_cast<double>(publishing.counters().dropped));
    });
    std::atomic<bool> stopping{false};
    services::OpsServer ops(listen, metrics, [&] { return !stopping && bus.counters().delivered > 0; });
    ops.start();

    std::printf("rtm-ingest %s: %s; to %s on %s; health and metrics on port %u\n", RTM_VERSION,
                runner.describe().c_str(), bus.topic_of(msg::kMarketDataChannel).c_str(),
                kafka_options->kafka.brokers.c_str(), static_cast<unsigned>(ops.port()));
    std::fflush(stdout);
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    const double seconds = runner.run(g_stop, [&](const std::string& summary) {
      std::printf("%s%llu records published, %llu acknowledged by Kafka\n\n", summary.c_str(),
                  static_cast<unsigned long long>(publishing.counters().published),
                  static_cast<unsigned long long>(bus.counters().delivered.load()));
      std::fflush(stdout);
    });
    stopping = true;
    const std::size_t unflushed = publisher->flush(kafka_options->kafka.flush_timeout);
    std::printf("%s after %.1f s: %llu records published, %llu acknowledged, %zu unacknowledged\n",
                g_stop != 0 ? "stopped" : "finished", seconds,
                static_cast<unsigned long long>(publishing.counters().published),
                static_cast<unsigned long long>(bus.counters().delivered.load()), unflushed);
    return unflushed == 0 && publishing.counters().dropped == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm-ingest: %s\n", error.what());
    return 1;
  }
}
