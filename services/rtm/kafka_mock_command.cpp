#include "kafka_mock_command.hpp"

#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "bootstrap_relay.hpp"
#include "option_reader.hpp"
#include "rtm/kafka/mock_cluster.hpp"
#include "rtm/msg/channels.hpp"
#include "split_flags.hpp"

namespace rtm::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr const char* kUsage =
    "usage: rtm kafka-mock [options]\n"
    "\n"
    "Starts a Kafka cluster in this process (librdkafka's mock cluster: the real\n"
    "protocol, data in memory only) with rtm's topics, prints its bootstrap address on\n"
    "the first line, and runs until SIGINT or SIGTERM. For development and tests,\n"
    "never for production.\n"
    "\n"
    "Faults can be injected by writing lines to its standard input:\n"
    "  down BROKER | up BROKER      take a broker (or -1: all) down or up\n"
    "  rtt BROKER MS                delay a broker's responses\n"
    "  errors API_KEY COUNT CODE    fail the next COUNT requests of a Kafka API (0 Produce, 1 Fetch)\n"
    "\n"
    "options (each also read from the environment variable shown):\n"
    "  --brokers N                  RTM_MOCK_BROKERS     brokers in the cluster (3)\n"
    "  --port P                     RTM_MOCK_PORT        also bootstrap from 127.0.0.1:P (none)\n"
    "  --partitions N               RTM_KAFKA_PARTITIONS   of each topic (6)\n"
    "  --topics LIST                RTM_MOCK_TOPICS      topics to create (rtm.md.v1,rtm.derived.v1)\n";

// One fault line; an answer line for whoever drives it.
std::string apply_fault(kafka::MockCluster& cluster, const std::string& line) {
  std::istringstream words(line);
  std::string verb;
  words >> verb;
  int a = 0;
  int b = 0;
  int c = 0;
  if (verb == "down" && words >> a) {
    cluster.set_broker_down(a);
  } else if (verb == "up" && words >> a) {
    cluster.set_broker_up(a);
  } else if (verb == "rtt" && words >> a >> b) {
    cluster.set_broker_rtt(a, b);
  } else if (verb == "errors" && words >> a >> b >> c && b > 0) {
    cluster.push_request_errors(a, b, c);
  } else {
    return "error: not a fault: " + line;
  }
  return "ok " + line;
}

}  // namespace

int kafka_mock_command(int argc, char** argv) {
  if (services::wants_help(argc, argv)) {
    std::printf("%s", kUsage);
    return 0;
  }
  std::vector<char*> own = services::split_flags(argc, argv, {"--brokers", "--port", "--partitions", "--topics"});
  if (argc > 0) {
    std::fprintf(stderr, "rtm kafka-mock: unexpected argument '%s' (see --help)\n", argv[0]);
    return 2;
  }
  int brokers = 3;
  int port = 0;
  int partitions = 6;
  std::string topics = std::string(msg::kMarketDataChannel) + "," + std::string(msg::kDerivedChannel);
  services::OptionReader reader("rtm kafka-mock", static_cast<int>(own.size()), own.data());
  if (!reader.read("--brokers", "RTM_MOCK_BROKERS", brokers, [](int n) { return n >= 1 && n <= 16; }) ||
      !reader.read("--port", "RTM_MOCK_PORT", port, [](int p) { return p >= 0 && p <= 65535; }) ||
      !reader.read("--partitions", "RTM_KAFKA_PARTITIONS", partitions, [](int n) { return n >= 1 && n <= 1000; }) ||
      !reader.read("--topics", "RTM_MOCK_TOPICS", topics, [](const std::string& t) { return !t.empty(); })) {
    return 2;
  }
  try {
    kafka::MockCluster cluster(brokers);
    for (const std::string& topic : services::split_list(topics)) cluster.create_topic(topic, partitions, 1);
    std::string bootstrap = cluster.bootstrap();
    std::unique_ptr<BootstrapRelay> relay;
    if (port != 0) {
      // The first broker's address: "127.0.0.1:PORT,..."
      const std::string first = bootstrap.substr(0, bootstrap.find(','));
      const std::size_t colon = first.rfind(':');
      std::uint16_t broker_port = 0;
      std::from_chars(first.data() + colon + 1, first.data() + first.size(), broker_port);
      relay = std::make_unique<BootstrapRelay>(static_cast<std::uint16_t>(port), first.substr(0, colon), broker_port);
      bootstrap = "127.0.0.1:" + std::to_string(port);
    }
    std::printf("%s\n", bootstrap.c_str());
    std::fprintf(stderr, "rtm kafka-mock: %d brokers, topics %s with %d partitions each; a development broker,\n"
                 "data in memory only. Ctrl-C stops.\n", brokers, topics.c_str(), partitions);
    std::fflush(stdout);

    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    // Faults from standard input, when something writes them there.
    std::thread([&cluster] {
      for (std::string line; g_stop == 0 && std::getline(std::cin, line);) {
        if (line.empty()) continue;
        std::printf("%s\n", apply_fault(cluster, line).c_str());
        std::fflush(stdout);
      }
    }).detach();
    while (g_stop == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::_Exit(0);  // the fault reader may be blocked on stdin: nothing is left to clean up in memory
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm kafka-mock: %s\n", error.what());
    return 1;
  }
}

}  // namespace rtm::cli
