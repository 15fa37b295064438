// rtm-stream: reads normalized records from Kafka's market-data topic as a
// member of its consumer group, journals them, derives books, bars, the best
// bid/offer across venues, statistics and alerts, and publishes what it
// derives to the derived topic. Offsets are committed only for records it
// has processed; records it has processed before (redelivered after a
// rebalance or a restart) are dropped by instrument and sequence.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <thread>

#include "atomic_reader.hpp"
#include "derived_publisher.hpp"
#include "history_metrics.hpp"
#include "kafka_cli_options.hpp"
#include "kafka_metrics.hpp"
#include "ops_server.hpp"
#include "option_reader.hpp"
#include "rtm/common/allocator_tuning.hpp"
#include "rtm/kafka/kafka_transport.hpp"
#include "rtm/msg/channels.hpp"
#include "rtm/msg/subscription_thread.hpp"
#include "service_options.hpp"
#include "split_flags.hpp"
#include "stop_signals.hpp"
#include "stream_service.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr const char* kUsage =
    "usage: rtm-stream --brokers HOST:PORT [options]\n"
    "\n"
    "Derives books, bars, the cross-venue best bid/offer, statistics and alerts from\n"
    "the market-data topic and publishes them to the derived topic. With --journal,\n"
    "records are journaled before they are processed, and a restart recovers from\n"
    "the journal before it reads on. Serves /healthz, /readyz and /metrics.\n"
    "SIGINT or SIGTERM stops it after committing what it processed.\n"
    "\n"
    "options (each also read from the environment variable shown):\n"
    "  --kafka-group NAME           RTM_KAFKA_GROUP      consumer group (rtm-stream)\n"
    "  --database URL               RTM_DATABASE         PostgreSQL for the history (none: not kept);\n"
    "                               run rtm migrate against it first\n"
    "  --history-spool DIR          RTM_HISTORY_SPOOL    where history waits while the database is away\n"
    "                               (JOURNAL/history-spool with --journal; else memory only)\n"
    "  --canonical LIST             RTM_CANONICAL        venue symbols to canonical ones\n"
    "                               (binance:BTCUSDT=BTC-USD,...; the definitions' own by default)\n";

}  // namespace

int main(int argc, char** argv) {
  rtm::common::tune_allocator_for_server();
  using namespace rtm;
  constexpr unsigned kGroups = services::kStreamOptions;
  if (services::wants_help(argc - 1, argv + 1)) {
    std::printf("%s%s%s", kUsage, services::service_options_help(kGroups, "health and metrics (0.0.0.0:9102)").c_str(),
                services::kKafkaOptionsHelp);
    return 0;
  }
  int rest = argc - 1;
  char** args = argv + 1;
  kafka::KafkaOptions kafka_defaults;
  kafka_defaults.group_id = "rtm-stream";
  kafka_defaults.client_id = "rtm-stream";
  auto kafka_options = services::take_kafka_options("rtm-stream", rest, args, kafka_defaults);
  if (!kafka_options) return 2;
  const auto options = services::take_service_options("rtm-stream", rest, args, kGroups, "0.0.0.0:9102");
  if (!options) return 2;
  std::vector<char*> own =
      services::split_flags(rest, args, {"--kafka-group", "--canonical", "--database", "--history-spool"});
  std::string canonical;
  std::string database;
  std::string history_spool;
  services::OptionReader reader("rtm-stream", static_cast<int>(own.size()), own.data());
  if (!reader.read("--kafka-group", "RTM_KAFKA_GROUP", kafka_options->kafka.group_id,
                   [](const std::string& group) { return !group.empty(); }) ||
      !reader.read("--canonical", "RTM_CANONICAL", canonical, [](const std::string&) { return true; }) ||
      !reader.read("--database", "RTM_DATABASE", database, [](const std::string&) { return true; }) ||
      !reader.read("--history-spool", "RTM_HISTORY_SPOOL", history_spool, [](const std::string&) { return true; })) {
    return 2;
  }
  if (rest > 0) {
    std::fprintf(stderr, "rtm-stream: unexpected argument '%s' (see --help)\n", args[0]);
    return 2;
  }

  services::exit_on_stop_signals();
  try {
    kafka::KafkaTransport bus(kafka_options->kafka, kafka_options->topics);
    bus.ensure_topics({msg::kMarketDataChannel, msg::kDerivedChannel}, std::chrono::seconds(30));
    const auto derived_publisher = bus.make_kafka_publisher(msg::kDerivedChannel);
    // Waits out a slow or absent cluster rather than drop what it derived.
    streamsvc::DerivedPublisher derived_out(*derived_publisher, std::chrono::minutes(10));

    common::Metrics metrics;
    services::register_kafka_metrics(metrics, bus.counters());
    std::unique_ptr<store::HistoryWriter> history;
    std::filesystem::path history_spool_directory;
    if (!database.empty()) {
      store::HistoryWriterOptions history_options;
      history_options.database = database;
      if (!history_spool.empty()) {
        history_options.spool_directory = history_spool;
      } else if (options->journal) {
        history_options.spool_directory = options->journal->directory / "history-spool";
      }
      history_spool_directory = history_options.spool_directory;
      history = std::make_unique<store::HistoryWriter>(std::move(history_options));
      services::register_history_metrics(metrics, history->counters());
    }
    streamsvc::StreamServiceOptions stream_options;
    stream_options.history = history.get();
    stream_options.journal = options->journal;
    stream_options.skip_corrupt = options->skip_corrupt;
    stream_options.stream.alerts = options->alerts;
    stream_options.metrics = &metrics;
    stream_options.deduplicate = true;
    // The derived publisher is this transport's one producer.
    stream_options.derived_acknowledged = [&bus] { return bus.counters().delivered.load(); };
    streamsvc::StreamService service(std::move(stream_options), derived_out);
    std::string error;
    if (!canonical.empty() && !service.directory().set_canonical_map(canonical, error)) {
      std::fprintf(stderr, "rtm-stream: --canonical: %s\n", error.c_str());
      return 2;
    }
    const store::RecoveryReport recovered = service.recover();
    if (options->journal) {
      std::printf("journal %s: %llu records recovered%s; what %llu of them derived was published again\n",
                  options->journal->directory.c_str(), static_cast<unsigned long long>(recovered.records),
                  recovered.torn_tail ? " (a torn tail was cut)" : "",
                  static_cast<unsigned long long>(service.republished()));
    }
    const auto& counters = service.counters();
    metrics.counter("rtm_stream_records_total", "Records processed", services::read_atomic(counters.records));
    metrics.counter("rtm_stream_duplicates_total", "Redelivered records dropped by (instrument, sequence)",
                    services::read_atomic(counters.duplicates));
    metrics.counter("rtm_stream_handed_over_total",
                    "Records processed to take a partition over from another member, nothing published for them",
                    services::read_atomic(counters.handed_over));
    metrics.counter("rtm_stream_undecodable_total", "Records the codec refused",
                    services::read_atomic(counters.undecodable));
    metrics.counter("rtm_stream_journal_errors_total", "Records the journal could not write",
                    services::read_atomic(counters.journal_errors));
    metrics.counter("rtm_stream_derived_published_total", "Derived records published",
                    [&] { return common::Metrics::single(static_cast<double>(derived_out.published())); });
    metrics.counter("rtm_stream_derived_dropped_total", "Derived records the topic refused for too long",
                    [&] { return common::Metrics::single(static_cast<double>(derived_out.dropped())); });

    std::atomic<bool> stopping{false};
    std::atomic<bool> assigned{false};
    services::OpsServer ops(options->api.http, metrics, [&] { return !stopping && assigned; });
    ops.start();
    auto subscriber = bus.make_kafka_subscriber(
        msg::kMarketDataChannel, {.start = msg::StartFrom::kEarliest}, [&](const kafka::RebalanceEvent& event) {
          assigned = event.assigned;
          std::printf("partitions %s:", event.assigned ? "assigned" : "revoked");
          for (const int p : event.partitions) std::printf(" %d", p);
          std::printf("\n");
          std::fflush(stdout);
        });
    kafka::KafkaSubscriber& consumer = *subscriber;
    // A record's offset is committed only once it is in the journal's file:
    // a kill after the commit finds it there on restart.
    consumer.set_before_commit([&service] { service.flush_journal(); });
    // Beside the journal, which holds the state they describe.
    if (options->journal) consumer.set_partition_marks_file(options->journal->directory / "partition-offsets");
    auto thread = std::make_unique<msg::SubscriptionThread>(std::move(subscriber), service);
    std::printf("rtm-stream %s: group %s reading %s, writing %s on %s; health and metrics on port %u\n", RTM_VERSION,
                kafka_options->kafka.group_id.c_str(), bus.topic_of(msg::kMarketDataChannel).c_str(),
                bus.topic_of(msg::kDerivedChannel).c_str(), kafka_options->kafka.brokers.c_str(),
                static_cast<unsigned>(ops.port()));
    std::fflush(stdout);

    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    auto next_summary = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (g_stop == 0 && !thread->error()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (std::chrono::steady_clock::now() < next_summary) continue;
      next_summary += std::chrono::seconds(5);
      std::printf(
          "%llu records processed (%llu handed over), %llu duplicates dropped, %llu derived published, lag %lld\n",
          static_cast<unsigned long long>(counters.records.load()),
          static_cast<unsigned long long>(counters.handed_over.load()),
          static_cast<unsigned long long>(counters.duplicates.load()),
          static_cast<unsigned long long>(derived_out.published()), static_cast<long long>(bus.counters().lag.load()));
      std::fflush(stdout);
    }
    stopping = true;
    const std::exception_ptr failure = thread->error();
    thread->stop();
    // What was derived goes out before what was processed is committed.
    const std::size_t unflushed = derived_publisher->flush(kafka_options->kafka.flush_timeout);
    const bool history_flushed = history == nullptr || history->flush(std::chrono::seconds(10));
    // Rows the database did not take in time are kept on disk for the next
    // start (the writer spills them as it closes): nothing is lost, so the
    // stop is still a clean one. Without a spool directory they would be.
    const bool history_kept =
        history_flushed || (!history_spool_directory.empty() && history->counters().dropped.load() == 0);
    if (!history_flushed) {
      std::printf("history: the database did not take every row in time; %s\n",
                  history_kept
                      ? ("the rest wait in " + history_spool_directory.string() + " for the next start").c_str()
                      : "the rest are lost (no spool directory)");
    }
    service.write_checkpoint();
    const bool committed = consumer.commit();
    thread.reset();  // leaves the group
    std::printf(
        "stopped: %llu records processed, %llu duplicates dropped, %llu derived published, %zu unacknowledged\n",
        static_cast<unsigned long long>(counters.records.load()),
        static_cast<unsigned long long>(counters.duplicates.load()),
        static_cast<unsigned long long>(derived_out.published()), unflushed);
    if (failure) std::rethrow_exception(failure);
    return unflushed == 0 && history_kept && committed && derived_out.dropped() == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm-stream: %s\n", error.what());
    return 1;
  }
}
