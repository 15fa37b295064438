// rtm: the all-in-one binary. Its subcommands run the whole stack in one
// process or act as the operator's tools.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "aggregate_command.hpp"
#include "kafka_mock_command.hpp"
#include "migrate_command.hpp"
#include "normalize_command.hpp"
#include "record_command.hpp"
#include "replay_command.hpp"
#include "rtm/common/allocator_tuning.hpp"
#include "run_command.hpp"
#include "tail_command.hpp"

namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  bool available;
};

constexpr Subcommand kSubcommands[] = {
    {"version", "print the version", true},
    {"run", "the whole stack in one process on a synthetic market", true},
    {"normalize", "turn venue frames into normalized records as JSON lines", true},
    {"record", "capture live venue frames to a file", true},
    {"replay", "feed a capture through the adapters at recorded speed or faster", true},
    {"aggregate", "recompute bars and the cross-venue best bid/offer offline from a capture", true},
    {"tail", "decode a Kafka topic and print JSON lines", true},
    {"migrate", "apply the PostgreSQL schema migrations", true},
    {"kafka-mock", "a development Kafka broker (librdkafka's mock cluster)", true},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "rtm %s — real-time market data stack\n\nusage: rtm <command> [options]\n\ncommands:\n",
               RTM_VERSION);
  for (const auto& command : kSubcommands) {
    std::fprintf(out, "  %-11s %s%s\n", command.name.data(), command.summary.data(),
                 command.available ? "" : " (not built yet)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  rtm::common::tune_allocator_for_server();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage(stdout);
    return 0;
  }
  const std::string_view command = argv[1];
  if (command == "version" || command == "--version") {
    std::printf("rtm %s\n", RTM_VERSION);
    return 0;
  }
  if (command == "normalize") return rtm::cli::normalize_command(argc - 2, argv + 2);
  if (command == "aggregate") return rtm::cli::aggregate_command(argc - 2, argv + 2);
  if (command == "replay") return rtm::cli::replay_command(argc - 2, argv + 2);
  if (command == "record") return rtm::cli::record_command(argc - 2, argv + 2);
  if (command == "run") return rtm::cli::run_command(argc - 2, argv + 2);
  if (command == "migrate") return rtm::cli::migrate_command(argc - 2, argv + 2);
  if (command == "tail") return rtm::cli::tail_command(argc - 2, argv + 2);
  if (command == "kafka-mock") return rtm::cli::kafka_mock_command(argc - 2, argv + 2);
  for (const auto& known : kSubcommands) {
    if (known.name == command) {
      std::fprintf(stderr, "rtm %s: not built yet in this version\n\n", argv[1]);
      print_usage(stderr);
      return 2;
    }
  }
  std::fprintf(stderr, "rtm: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return 2;
}
