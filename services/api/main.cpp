// rtm-api: the REST API, the WebSocket streams and the dashboard, from a hot
// store fed by Kafka: trades and books from the market-data topic, bars,
// best bids/offers, statistics and alerts from the derived topic that
// rtm-stream writes. Replicas run side by side: each reads every partition
// and commits nothing.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>

#include "api_server.hpp"
#include "derived_store_writer.hpp"
#include "kafka_cli_options.hpp"
#include "kafka_metrics.hpp"
#include "rtm/common/allocator_tuning.hpp"
#include "rtm/kafka/kafka_transport.hpp"
#include "rtm/msg/channels.hpp"
#include "rtm/msg/subscription_thread.hpp"
#include "option_reader.hpp"
#include "rtm/store/history_reader.hpp"
#include "service_options.hpp"
#include "split_flags.hpp"
#include "stop_signals.hpp"
#include "stream_service.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr const char* kUsage =
    "usage: rtm-api --brokers HOST:PORT [options]\n"
    "\n"
    "Serves the dashboard, REST under /v1, WebSocket at /ws, /healthz, /readyz,\n"
    "/metrics and /openapi.json from what rtm-ingest and rtm-stream publish to Kafka.\n"
    "SIGINT or SIGTERM stops it: WebSocket clients are told it is going away.\n"
    "\n"
    "options (each also read from the environment variable shown):\n"
    "  --database URL               RTM_DATABASE         PostgreSQL history, for trades and bars older than\n"
    "                               the hot store holds (none: the hot store only)\n"
    "  --hot-trades N               RTM_HOT_TRADES       trades kept in memory per instrument (1000000)\n"
    "  --hot-bars N                 RTM_HOT_BARS         bars kept in memory per series and interval (20000)\n";


// The derived records of the API's own book-keeping are rtm-stream's to
// publish: here they go nowhere.
class Discard final : public rtm::stream::DerivedSink {
 public:
  void on_bar(const rtm::msg::Bar&) override {}
  void on_nbbo(const rtm::msg::Nbbo&) override {}
  void on_stats(const rtm::msg::Stats&) override {}
  void on_alert(const rtm::msg::Alert&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  rtm::common::tune_allocator_for_server();
  using namespace rtm;
  constexpr unsigned kGroups = services::kApiOptions;
  if (services::wants_help(argc - 1, argv + 1)) {
    std::printf("%s%s%s", kUsage,
                services::service_options_help(kGroups, "the dashboard and the REST API (0.0.0.0:8080)").c_str(),
                services::kKafkaOptionsHelp);
    return 0;
  }
  int rest = argc - 1;
  char** args = argv + 1;
  kafka::KafkaOptions kafka_defaults;
  kafka_defaults.client_id = "rtm-api";
  const auto kafka_options = services::take_kafka_options("rtm-api", rest, args, kafka_defaults);
  if (!kafka_options) return 2;
  auto options = services::take_service_options("rtm-api", rest, args, kGroups);
  if (!options) return 2;
  std::vector<char*> own = services::split_flags(rest, args, {"--database", "--hot-trades", "--hot-bars"});
  std::string database;
  store::HotStoreOptions hot_options;
  services::OptionReader reader("rtm-api", static_cast<int>(own.size()), own.data());
  const auto positive = [](std::size_t n) { return n > 0; };
  if (!reader.read("--database", "RTM_DATABASE", database, [](const std::string&) { return true; }) ||
      !reader.read("--hot-trades", "RTM_HOT_TRADES", hot_options.max_trades_per_instrument, positive) ||
      !reader.read("--hot-bars", "RTM_HOT_BARS", hot_options.max_bars_per_series, positive)) {
    return 2;
  }
  if (rest > 0) {
    std::fprintf(stderr, "rtm-api: unexpected argument '%s' (see --help)\n", args[0]);
    return 2;
  }

  services::exit_on_stop_signals();
  try {
    kafka::KafkaTransport bus(kafka_options->kafka, kafka_options->topics);
    bus.ensure_topics({msg::kMarketDataChannel, msg::kDerivedChannel}, std::chrono::seconds(30));
    store::HotStore hot_store(hot_options);
    std::unique_ptr<store::HistoryReader> history;
    if (!database.empty()) history = std::make_unique<store::HistoryReader>(database);
    common::Metrics metrics;
    services::register_kafka_metrics(metrics, bus.counters());

    // Trades, books and definitions from the market-data topic: the books
    // are rebuilt here (the topic carries their deltas), nothing is derived
    // for the store.
    Discard discard;
    streamsvc::StreamServiceOptions book_options;
    book_options.hot_store = &hot_store;
    book_options.store_derived = false;
    // The processor wants at least one bar interval; one daily series per
    // instrument is the least it can cost.
    book_options.stream.bars.intervals = {std::chrono::hours(24)};
    book_options.metrics = &metrics;
    // A record the topic holds twice (a producer's retry) is counted once.
    book_options.deduplicate = true;
    streamsvc::StreamService books(std::move(book_options), discard);
    api::DerivedStoreWriter derived(hot_store);
    msg::SubscriptionThread market_data(
        bus.make_subscriber(msg::kMarketDataChannel, {.start = msg::StartFrom::kEarliest}), books);
    msg::SubscriptionThread derived_data(bus.make_subscriber(msg::kDerivedChannel, {.start = msg::StartFrom::kEarliest}),
                                         derived);

    std::atomic<bool> stopping{false};
    api::ApiServerOptions api_options = options->api;
    api_options.metrics = &metrics;
    api_options.history = history.get();
    api::ApiServer server(hot_store, bus, api_options,
                          [&] { return !stopping && books.counters().records > 0 && derived.stored() > 0; });
    server.start();
    std::printf("rtm-api %s: reading %s and %s on %s; listening on port %u\n", RTM_VERSION,
                bus.topic_of(msg::kMarketDataChannel).c_str(), bus.topic_of(msg::kDerivedChannel).c_str(),
                kafka_options->kafka.brokers.c_str(), static_cast<unsigned>(server.port()));
    std::fflush(stdout);

    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    while (g_stop == 0 && !market_data.error() && !derived_data.error()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    stopping = true;
    server.stop();
    market_data.stop();
    derived_data.stop();
    for (const std::exception_ptr& failure : {market_data.error(), derived_data.error()}) {
      if (failure) std::rethrow_exception(failure);
    }
    std::printf("stopped\n");
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm-api: %s\n", error.what());
    return 1;
  }
}
