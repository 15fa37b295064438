#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api_server.hpp"
#include "rtm/store/journal.hpp"
#include "rtm/stream/alert_engine.hpp"

namespace rtm::services {

// The options of the stream side and the API, beyond ingest's: rtm run takes
// them all, rtm-stream and rtm-api theirs.
struct ServiceOptions {
  api::ApiServerOptions api;  // its http.address and port: --listen, for any service
  std::vector<stream::AlertRuleConfig> alerts;
  std::optional<store::JournalOptions> journal;
  bool skip_corrupt = false;
};

// Which of them a command takes; --listen always.
enum ServiceOptionGroups : unsigned {
  kStreamOptions = 1,  // --alerts, --journal, --journal-fsync, --skip-corrupt
  kApiOptions = 2,     // --api-keys, --cors-origins, --protect-metrics
  kAllServiceOptions = kStreamOptions | kApiOptions,
};

// The groups' lines of --help; `listen` is what --listen is for.
std::string service_options_help(unsigned groups, const char* listen);

// Takes the groups' options out of argv (leaving the rest for the next
// parser) and reads them, flags first, then RTM_* variables; `listen` is
// --listen's default. nullopt after saying why.
std::optional<ServiceOptions> take_service_options(const char* program, int& argc, char** argv, unsigned groups,
                                                   const std::string& listen = "0.0.0.0:8080");

}  // namespace rtm::services
