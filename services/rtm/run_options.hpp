#pragma once

#include <optional>
#include <vector>

#include "api_server.hpp"
#include "rtm/store/journal.hpp"
#include "rtm/stream/alert_engine.hpp"

namespace rtm::cli {

// rtm run's own options, beyond ingest's.
struct RunOptions {
  api::ApiServerOptions api;
  std::vector<stream::AlertRuleConfig> alerts;
  std::optional<store::JournalOptions> journal;
  bool skip_corrupt = false;
};

// Their lines of --help.
extern const char* const kRunOptionsHelp;

// Takes rtm run's own options out of argv (the rest are ingest's) and reads
// them, flags first, then RTM_* variables; nullopt after saying why.
std::optional<RunOptions> take_run_options(int& argc, char** argv);

}  // namespace rtm::cli
