#include "service_options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ops_server.hpp"
#include "option_reader.hpp"
#include "split_flags.hpp"

namespace rtm::services {

std::string service_options_help(unsigned groups, const char* listen) {
  std::string help = "  --listen ADDRESS:PORT        RTM_LISTEN           ";
  help += listen;
  help += "\n";
  if ((groups & kStreamOptions) != 0) {
    help +=
        "  --alerts RULES               RTM_ALERTS           alert rules, as rtm aggregate takes them, or none\n"
        "                               (price_move:1m:0.5@warning,volume_spike:1m:3,wide_spread:25,\n"
        "                                stale_feed:15s@critical,crossed_market:10)\n"
        "  --journal DIR                RTM_JOURNAL          journal directory (none: nothing survives a stop)\n"
        "  --journal-fsync MS           RTM_JOURNAL_FSYNC    fsync every MS milliseconds, 0 never (10)\n"
        "  --skip-corrupt               RTM_SKIP_CORRUPT=1   recovery skips corrupt records instead of refusing\n";
  }
  if ((groups & kApiOptions) != 0) {
    help +=
        "  --api-keys LIST              RTM_API_KEYS         keys that /v1 and /ws then require (none: open)\n"
        "  --cors-origins LIST          RTM_CORS_ORIGINS     origins allowed to call the API from a browser, or *\n"
        "  --protect-metrics            RTM_PROTECT_METRICS=1  /metrics needs a key too\n";
  }
  return help;
}

namespace {

constexpr const char* kDefaultAlerts =
    "price_move:1m:0.5@warning,volume_spike:1m:3,wide_spread:25,stale_feed:15s@critical,crossed_market:10";

}  // namespace

std::optional<ServiceOptions> take_service_options(const char* program, int& argc, char** argv, unsigned groups,
                                                   const std::string& listen_default) {
  ServiceOptions options;
  const bool stream = (groups & kStreamOptions) != 0;
  const bool api = (groups & kApiOptions) != 0;
  std::vector<char*> own = split_flags(argc, argv, {"--listen"});
  if (stream) {
    for (char* arg : split_flags(argc, argv, {"--journal", "--journal-fsync", "--alerts"}, {"--skip-corrupt"})) {
      own.push_back(arg);
    }
  }
  if (api) {
    for (char* arg : split_flags(argc, argv, {"--api-keys", "--cors-origins"}, {"--protect-metrics"})) {
      own.push_back(arg);
    }
  }
  const auto given = [&](std::string_view flag) {
    return std::find_if(own.begin(), own.end(), [&](const char* arg) { return arg == flag; }) != own.end();
  };
  options.skip_corrupt = given("--skip-corrupt");
  options.api.protect_metrics = given("--protect-metrics");
  std::string directory;
  double fsync_ms = 10;
  std::string listen = listen_default;
  (void)parse_listen_address(listen, options.api.http);
  std::string alerts = kDefaultAlerts;
  std::string keys;
  std::string origins;
  OptionReader reader(program, static_cast<int>(own.size()), own.data());
  const bool ok =
      reader.read("--listen", "RTM_LISTEN", listen,
                  [&](const std::string& text) { return parse_listen_address(text, options.api.http); }) &&
      (!stream || reader.read("--journal", "RTM_JOURNAL", directory, [](const std::string&) { return true; })) &&
      (!stream || reader.read("--journal-fsync", "RTM_JOURNAL_FSYNC", fsync_ms,
                              [](double ms) { return ms >= 0 && ms <= 60'000; })) &&
      (!stream || reader.read("--alerts", "RTM_ALERTS", alerts, [&](const std::string& text) {
        if (text == "none") return true;
        std::string error;
        auto rules = stream::parse_alert_rules(text, error);
        if (!rules) std::fprintf(stderr, "%s: --alerts: %s\n", program, error.c_str());
        if (rules) options.alerts = std::move(*rules);
        return rules.has_value();
      })) &&
      (!api || reader.read("--api-keys", "RTM_API_KEYS", keys, [](const std::string&) { return true; })) &&
      (!api || reader.read("--cors-origins", "RTM_CORS_ORIGINS", origins, [](const std::string&) { return true; }));
  // Switches read from the environment too, at startup.
  const auto switched_on = [](const char* variable) {
    const char* value = std::getenv(variable);  // NOLINT(concurrency-mt-unsafe)
    return value != nullptr && std::string_view(value) == "1";
  };
  if (stream && switched_on("RTM_SKIP_CORRUPT")) options.skip_corrupt = true;
  if (api && switched_on("RTM_PROTECT_METRICS")) options.api.protect_metrics = true;
  options.api.keys.keys = split_list(keys);
  options.api.cors_origins = split_list(origins);
  if (!ok) return std::nullopt;
  if (!directory.empty()) {
    store::JournalOptions journal{.directory = directory};
    journal.fsync = fsync_ms == 0 ? store::FsyncPolicy::kOff : store::FsyncPolicy::kInterval;
    journal.fsync_interval = std::chrono::milliseconds(static_cast<std::int64_t>(fsync_ms));
    options.journal = std::move(journal);
  }
  return options;
}

}  // namespace rtm::services
