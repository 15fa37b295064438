#include "ingest_options.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "option_reader.hpp"

namespace rtm::ingest {

using services::OptionReader;

const char* const kIngestOptionsHelp =
    "  --feed synthetic|live|replay:FILE   RTM_FEED       where frames come from (synthetic)\n"
    "  --seed N                     RTM_SEED             the synthetic market's seed (42)\n"
    "  --rate N                     RTM_RATE             synthetic events per second (200)\n"
    "  --loss P                     RTM_LOSS             share of synthetic book messages lost (0)\n"
    "  --speed N                    RTM_SPEED            N times real time, 0 as fast as possible (1)\n"
    "  --venues LIST                RTM_VENUES           live venues (binance,coinbase,kraken)\n"
    "  --symbols LIST               RTM_SYMBOLS          live instruments, canonical (BTC-USD,ETH-USD,SOL-USD)\n"
    "  --binance-ws URL             RTM_BINANCE_WS       (wss://stream.binance.com:9443)\n"
    "  --binance-rest URL           RTM_BINANCE_REST     (https://api.binance.com)\n"
    "  --coinbase-ws URL            RTM_COINBASE_WS      (wss://ws-feed.exchange.coinbase.com)\n"
    "  --kraken-ws URL              RTM_KRAKEN_WS        (wss://ws.kraken.com/v2)\n"
    "  --ca-file FILE               RTM_CA_FILE          trusted certificates (the system's)\n"
    "  --tls-no-verify              RTM_TLS_NO_VERIFY=1  do not check certificates (never in production)\n"
    "  --read-timeout S             RTM_READ_TIMEOUT     seconds of silence before a feed is stale (30)\n"
    "  --duration S                 RTM_DURATION         stop after S seconds of feed time (never)\n"
    "  --summary-every S            RTM_SUMMARY_EVERY    seconds between summaries (5)\n";

namespace {

bool parse_venues(const std::string& list, std::vector<msg::Venue>& out) {
  out.clear();
  for (const std::string& name : split_list(list)) {
    const auto venue = msg::parse_venue(name);
    if (!venue || (*venue != msg::Venue::kBinance && *venue != msg::Venue::kCoinbase && *venue != msg::Venue::kKraken))
      return false;
    out.push_back(*venue);
  }
  return !out.empty();
}

}  // namespace

std::optional<IngestOptions> parse_ingest_options(const char* program, int argc, char** argv, IngestOptions defaults) {
  IngestOptions options = std::move(defaults);
  constexpr std::string_view kSwitches[] = {"--help", "-h", "--tls-no-verify"};
  constexpr std::string_view kValued[] = {"--feed",         "--seed",        "--rate",         "--loss",
                                          "--speed",        "--venues",      "--symbols",      "--binance-ws",
                                          "--binance-rest", "--coinbase-ws", "--kraken-ws",    "--ca-file",
                                          "--read-timeout", "--duration",    "--summary-every"};
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (std::find(std::begin(kSwitches), std::end(kSwitches), arg) != std::end(kSwitches)) {
      if (arg == "--tls-no-verify") options.tls_verify = false;
      if (arg == "--help" || arg == "-h") options.help = true;
      continue;
    }
    const bool valued = std::find(std::begin(kValued), std::end(kValued), arg) != std::end(kValued);
    if (!valued || i + 1 == argc) {
      std::fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", program, argv[i]);
      return std::nullopt;
    }
    ++i;
  }
  // Options are read at startup, before any thread exists.
  if (const char* no_verify = std::getenv("RTM_TLS_NO_VERIFY");  // NOLINT(concurrency-mt-unsafe)
      no_verify != nullptr && std::string_view(no_verify) == "1")
    options.tls_verify = false;

  OptionReader reader(program, argc, argv);
  auto positive = [](double v) { return v > 0; };
  auto non_negative = [](double v) { return v >= 0; };
  std::string venues;
  std::string symbols;
  std::string endpoint[4];
  bool ok =
      reader.read("--feed", "RTM_FEED", options.feed,
                  [](const std::string& f) { return f == "synthetic" || f == "live" || f.starts_with("replay:"); }) &&
      reader.read("--seed", "RTM_SEED", options.seed, [](std::uint64_t) { return true; }) &&
      reader.read("--rate", "RTM_RATE", options.rate, [](double v) { return v > 0 && v <= 1e6; }) &&
      reader.read("--loss", "RTM_LOSS", options.loss, [](double v) { return v >= 0 && v < 1; }) &&
      reader.read("--speed", "RTM_SPEED", options.speed, non_negative) &&
      reader.read("--venues", "RTM_VENUES", venues, [](const std::string&) { return true; }) &&
      reader.read("--symbols", "RTM_SYMBOLS", symbols, [](const std::string& s) { return !split_list(s).empty(); }) &&
      reader.read("--binance-ws", "RTM_BINANCE_WS", endpoint[0], [](const std::string&) { return true; }) &&
      reader.read("--binance-rest", "RTM_BINANCE_REST", endpoint[1], [](const std::string&) { return true; }) &&
      reader.read("--coinbase-ws", "RTM_COINBASE_WS", endpoint[2], [](const std::string&) { return true; }) &&
      reader.read("--kraken-ws", "RTM_KRAKEN_WS", endpoint[3], [](const std::string&) { return true; }) &&
      reader.read("--ca-file", "RTM_CA_FILE", options.ca_file, [](const std::string&) { return true; }) &&
      reader.read("--read-timeout", "RTM_READ_TIMEOUT", options.read_timeout, positive) &&
      reader.read("--duration", "RTM_DURATION", options.duration, non_negative) &&
      reader.read("--summary-every", "RTM_SUMMARY_EVERY", options.summary_every, positive);
  if (!ok) return std::nullopt;
  if (!venues.empty() && !parse_venues(venues, options.venues)) {
    std::fprintf(stderr, "%s: --venues takes a list of binance, coinbase and kraken, not '%s'\n", program,
                 venues.c_str());
    return std::nullopt;
  }
  if (!symbols.empty()) options.symbols = split_list(symbols);
  const msg::Venue venue_of[] = {msg::Venue::kBinance, msg::Venue::kBinance, msg::Venue::kCoinbase,
                                 msg::Venue::kKraken};
  for (int i = 0; i < 4; ++i) {
    if (endpoint[i].empty()) continue;
    VenueEndpoints& target = options.endpoints.try_emplace(venue_of[i], default_endpoints(venue_of[i])).first->second;
    (i == 1 ? target.rest : target.websocket) = endpoint[i];
  }
  return options;
}

VenueEndpoints endpoints_of(const IngestOptions& options, msg::Venue venue) {
  const auto found = options.endpoints.find(venue);
  return found != options.endpoints.end() ? found->second : default_endpoints(venue);
}

}  // namespace rtm::ingest
