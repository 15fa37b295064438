#include "tail_command.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <string>
#include <thread>

#include "json_lines_sink.hpp"
#include "kafka_cli_options.hpp"
#include "option_reader.hpp"
#include "rtm/json/derived_json.hpp"
#include "rtm/json/record_json.hpp"
#include "rtm/kafka/kafka_transport.hpp"
#include "rtm/msg/codec.hpp"
#include "rtm/stream/instrument_directory.hpp"
#include "split_flags.hpp"

namespace rtm::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr const char* kUsage =
    "usage: rtm tail TOPIC --brokers HOST:PORT [options]\n"
    "\n"
    "Reads every partition of a topic (rtm.md.v1 or rtm.derived.v1) and prints each\n"
    "record as a JSON line, named by the definitions read before it. Commits nothing.\n"
    "\n"
    "options:\n"
    "  --from earliest|latest       where to start (earliest)\n"
    "  --exit                       stop at the end of every partition instead of following\n"
    "  --count N                    stop after N records\n"
    "  --brokers HOST:PORT,...      RTM_KAFKA_BROKERS    Kafka bootstrap servers\n"
    "  --kafka-property K=V,...     RTM_KAFKA_PROPERTIES any librdkafka property\n";

// Prints each record; learns names from the definitions as they pass.
class TailPrinter final : public msg::RecordHandler {
 public:
  void on_record(std::span<const std::byte> record) override {
    msg::AnyRecord decoded;
    if (const msg::DecodeResult result = msg::decode(record, decoded); !result.ok()) {
      ++undecodable_;
      std::fprintf(stderr, "rtm tail: a record of %zu bytes could not be decoded: %s\n", record.size(),
                   std::string(msg::to_string(result.error)).c_str());
      return;
    }
    ++printed_;
    std::visit([this](const auto& r) { print(r); }, decoded);
  }
  void on_gap(std::uint64_t /*lost*/) override {}

  [[nodiscard]] std::uint64_t printed() const noexcept { return printed_; }
  [[nodiscard]] std::uint64_t undecodable() const noexcept { return undecodable_; }

 private:
  std::string name_of(const msg::RecordHeader& header) const {
    if (header.venue == msg::Venue::kComposite) {
      const auto found = symbols_.find(header.instrument_id);
      return found != symbols_.end() ? found->second : "composite:" + std::to_string(header.instrument_id);
    }
    return directory_.name(header.instrument_id);
  }

  void print(const msg::InstrumentDef& r) {
    if (r.header.venue == msg::Venue::kComposite) {
      symbols_[r.header.instrument_id] = std::string(r.canonical_symbol.view());
    } else {
      directory_.learn(r);
    }
    write_json_line(json_.to_json(r));
  }
  void print(const msg::Trade& r) { write_json_line(json_.to_json(r)); }
  void print(const msg::Bbo& r) { write_json_line(json_.to_json(r)); }
  void print(const msg::Status& r) { write_json_line(json_.to_json(r)); }
  void print(const msg::BookDelta& r) {
    bool& in_snapshot = in_snapshot_[r.header.instrument_id];
    if ((r.header.flags & msg::flags::kSnapshotBegin) != 0) in_snapshot = true;
    write_json_line(json_.to_json(r, in_snapshot));
    if ((r.header.flags & msg::flags::kSnapshotEnd) != 0) in_snapshot = false;
  }
  void print(const msg::Bar& r) { write_json_line(json::bar_json(r, name_of(r.header))); }
  void print(const msg::Nbbo& r) { write_json_line(json::nbbo_json(r, name_of(r.header))); }
  void print(const msg::Stats& r) { write_json_line(json::stats_json(r, name_of(r.header))); }
  void print(const msg::Alert& r) { write_json_line(json::alert_json(r, name_of(r.header))); }

  stream::InstrumentDirectory directory_;
  std::map<msg::InstrumentId, std::string> symbols_;  // composites, by their definitions
  json::RecordJson json_{[this](msg::InstrumentId id) { return directory_.name(id); }};
  std::map<msg::InstrumentId, bool> in_snapshot_;
  std::uint64_t printed_ = 0;
  std::uint64_t undecodable_ = 0;
};

}  // namespace

int tail_command(int argc, char** argv) {
  if (services::wants_help(argc, argv)) {
    std::printf("%s", kUsage);
    return 0;
  }
  auto kafka_options = services::take_kafka_options("rtm tail", argc, argv);
  if (!kafka_options) return 2;
  std::vector<char*> own = services::split_flags(argc, argv, {"--from", "--count"}, {"--exit"});
  std::string from = "earliest";
  std::uint64_t count = 0;
  services::OptionReader reader("rtm tail", static_cast<int>(own.size()), own.data());
  if (!reader.read("--from", "RTM_TAIL_FROM", from,
                   [](const std::string& f) { return f == "earliest" || f == "latest"; }) ||
      !reader.read("--count", "RTM_TAIL_COUNT", count, [](std::uint64_t) { return true; })) {
    return 2;
  }
  const bool exit_at_end = std::find_if(own.begin(), own.end(), [](const char* a) {
                             return std::strcmp(a, "--exit") == 0;
                           }) != own.end();
  if (argc != 1) {
    std::fprintf(stderr, "rtm tail: name one topic\n\n%s", kUsage);
    return 2;
  }
  const std::string topic = argv[0];
  kafka_options->kafka.client_id = "rtm-tail";
  kafka_options->kafka.group_id.clear();  // reads every partition, commits nothing
  try {
    kafka::KafkaTransport bus(kafka_options->kafka);
    auto subscriber = bus.make_kafka_subscriber(
        topic, {.start = from == "earliest" ? msg::StartFrom::kEarliest : msg::StartFrom::kLatest});
    TailPrinter printer;
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    while (g_stop == 0) {
      const std::size_t limit = count > 0 ? static_cast<std::size_t>(count - printer.printed()) : 1024;
      if (count > 0 && limit == 0) break;
      const std::size_t read = subscriber->poll(printer, std::min<std::size_t>(limit, 1024));
      if (read == 0) {
        std::fflush(stdout);
        if (exit_at_end && subscriber->caught_up()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    std::fflush(stdout);
    return printer.undecodable() == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm tail: %s\n", error.what());
    return 1;
  }
}

}  // namespace rtm::cli
