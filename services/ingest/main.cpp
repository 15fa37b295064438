// rtm-ingest: connects to the configured venues (or runs the synthetic
// market, or replays a capture) and publishes normalized records to the bus.
// The Kafka transport that carries them to the other services when they run
// apart is not part of this build yet: records go to the in-process bus and
// the service prints a summary of what it normalized.
#include <csignal>
#include <cstdio>
#include <exception>

#include "ingest_runner.hpp"
#include "rtm/feeds/publishing_sink.hpp"
#include "rtm/msg/channels.hpp"
#include "rtm/msg/in_process_transport.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr const char* kUsage =
    "usage: rtm-ingest [options]\n"
    "\n"
    "Normalizes venue feeds onto the bus and prints a summary every few seconds.\n"
    "SIGINT or SIGTERM stops it cleanly.\n"
    "\n"
    "options (each also read from the environment variable shown):\n";

}  // namespace

int main(int argc, char** argv) {
  const auto options = rtm::ingest::parse_ingest_options("rtm-ingest", argc - 1, argv + 1);
  if (!options) return 2;
  if (options->help) {
    std::printf("%s%s", kUsage, rtm::ingest::kIngestOptionsHelp);
    return 0;
  }
  rtm::msg::InProcessTransport bus;
  const auto publisher = bus.make_publisher(rtm::msg::kMarketDataChannel);
  rtm::feeds::PublishingSink publishing(*publisher);
  rtm::ingest::IngestRunner runner(*options, publishing);
  std::printf("rtm-ingest %s: %s\n", RTM_VERSION, runner.describe().c_str());
  std::fflush(stdout);

  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  try {
    const double seconds = runner.run(g_stop, [&](const std::string& summary) {
      std::printf("%s%llu records published\n\n", summary.c_str(),
                  static_cast<unsigned long long>(publishing.counters().published));
      std::fflush(stdout);
    });
    std::printf("%s after %.1f s\n", g_stop != 0 ? "stopped" : "finished", seconds);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm-ingest: %s\n", error.what());
    return 1;
  }
  return 0;
}
