#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rtm/msg/ids.hpp"
#include "split_flags.hpp"
#include "venue_endpoints.hpp"

namespace rtm::ingest {

// Where ingest takes its frames from and how: what rtm run, rtm-ingest and
// rtm record share. Every option has a flag and an RTM_* variable.
struct IngestOptions {
  bool help = false;
  std::string feed = "synthetic";  // synthetic | live | replay:FILE
  // The synthetic market.
  std::uint64_t seed = 42;
  double rate = 200;  // events per second
  double loss = 0;    // share of book messages lost
  // Synthetic and replay: times real time; 0 as fast as possible.
  double speed = 1;
  // Live venues.
  std::vector<msg::Venue> venues = {msg::Venue::kBinance, msg::Venue::kCoinbase, msg::Venue::kKraken};
  std::vector<std::string> symbols = {"BTC-USD", "ETH-USD", "SOL-USD"};  // canonical
  std::map<msg::Venue, VenueEndpoints> endpoints;                        // only those overridden
  std::string ca_file;
  bool tls_verify = true;
  double read_timeout = 30;  // seconds without a message before a feed counts as stale
  // Any feed.
  double duration = 0;  // seconds of feed time; 0 until stopped
  double summary_every = 5;
  // Each instrument's first sequence number (not a flag: rtm-ingest sets it).
  std::uint64_t first_sequence = 1;
};

// The options' lines of --help.
extern const char* const kIngestOptionsHelp;

// Flags in argv (all valued except --help and --tls-no-verify), then RTM_*
// variables, then `defaults`. nullopt after a message on stderr when something is wrong.
// `defaults` holds what an option not given is.
std::optional<IngestOptions> parse_ingest_options(const char* program, int argc, char** argv,
                                                  IngestOptions defaults = {});

using services::split_list;

// The endpoints of a venue: the overrides, or its defaults.
VenueEndpoints endpoints_of(const IngestOptions& options, msg::Venue venue);

}  // namespace rtm::ingest
