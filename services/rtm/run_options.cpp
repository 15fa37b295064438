#include "run_options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest_options.hpp"
#include "option_reader.hpp"

namespace rtm::cli {

const char* const kRunOptionsHelp =
    "  --listen ADDRESS:PORT        RTM_LISTEN           the dashboard and the REST API (0.0.0.0:8080)\n"
    "  --alerts RULES               RTM_ALERTS           alert rules, as rtm aggregate takes them, or none\n"
    "                               (price_move:1m:0.5@warning,volume_spike:1m:3,wide_spread:25,\n"
    "                                stale_feed:15s@critical,crossed_market:10)\n"
    "  --journal DIR                RTM_JOURNAL          journal directory (none: nothing survives a stop)\n"
    "  --journal-fsync MS           RTM_JOURNAL_FSYNC    fsync every MS milliseconds, 0 never (10)\n"
    "  --skip-corrupt               RTM_SKIP_CORRUPT=1   recovery skips corrupt records instead of refusing\n"
    "  --api-keys LIST              RTM_API_KEYS         keys that /v1 and /ws then require (none: open)\n"
    "  --cors-origins LIST          RTM_CORS_ORIGINS     origins allowed to call the API from a browser, or *\n"
    "  --protect-metrics            RTM_PROTECT_METRICS=1  /metrics needs a key too\n";

namespace {

constexpr const char* kDefaultAlerts =
    "price_move:1m:0.5@warning,volume_spike:1m:3,wide_spread:25,stale_feed:15s@critical,crossed_market:10";

}  // namespace

std::optional<RunOptions> take_run_options(int& argc, char** argv) {
  constexpr std::string_view kValued[] = {"--journal", "--journal-fsync", "--listen", "--alerts", "--api-keys",
                                          "--cors-origins"};
  RunOptions options;
  std::vector<char*> own;  // rtm run's own flags and their values
  int kept = 0;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (std::find(std::begin(kValued), std::end(kValued), arg) != std::end(kValued) && i + 1 < argc) {
      own.push_back(argv[i]);
      own.push_back(argv[++i]);
    } else if (arg == "--skip-corrupt") {
      options.skip_corrupt = true;
    } else if (arg == "--protect-metrics") {
      options.api.protect_metrics = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  std::string directory;
  double fsync_ms = 10;
  std::string listen = "0.0.0.0:8080";
  std::string alerts = kDefaultAlerts;
  std::string keys;
  std::string origins;
  ingest::OptionReader reader("rtm run", static_cast<int>(own.size()), own.data());
  const bool ok =
      reader.read("--journal", "RTM_JOURNAL", directory, [](const std::string&) { return true; }) &&
      reader.read("--journal-fsync", "RTM_JOURNAL_FSYNC", fsync_ms, [](double ms) { return ms >= 0 && ms <= 60'000; }) &&
      reader.read("--listen", "RTM_LISTEN", listen, [&](const std::string& text) {
        const std::size_t colon = text.rfind(':');
        std::uint16_t port = 0;
        const char* end = text.data() + text.size();
        if (colon == std::string::npos || std::from_chars(text.data() + colon + 1, end, port).ptr != end) return false;
        options.api.http.address = text.substr(0, colon);
        options.api.http.port = port;
        return true;
      }) &&
      reader.read("--alerts", "RTM_ALERTS", alerts, [&](const std::string& text) {
        if (text == "none") return true;
        std::string error;
        auto rules = stream::parse_alert_rules(text, error);
        if (!rules) std::fprintf(stderr, "rtm run: --alerts: %s\n", error.c_str());
        if (rules) options.alerts = std::move(*rules);
        return rules.has_value();
      }) &&
      reader.read("--api-keys", "RTM_API_KEYS", keys, [](const std::string&) { return true; }) &&
      reader.read("--cors-origins", "RTM_CORS_ORIGINS", origins, [](const std::string&) { return true; });
  // Switches read from the environment too, at startup.
  const auto switched_on = [](const char* variable) {
    const char* value = std::getenv(variable);  // NOLINT(concurrency-mt-unsafe)
    return value != nullptr && std::string_view(value) == "1";
  };
  if (switched_on("RTM_SKIP_CORRUPT")) options.skip_corrupt = true;
  if (switched_on("RTM_PROTECT_METRICS")) options.api.protect_metrics = true;
  options.api.keys.keys = ingest::split_list(keys);
  options.api.cors_origins = ingest::split_list(origins);
  if (!ok) return std::nullopt;
  if (!directory.empty()) {
    store::JournalOptions journal{.directory = directory};
    journal.fsync = fsync_ms == 0 ? store::FsyncPolicy::kOff : store::FsyncPolicy::kInterval;
    journal.fsync_interval = std::chrono::milliseconds(static_cast<std::int64_t>(fsync_ms));
    options.journal = std::move(journal);
  }
  return options;
}

}  // namespace rtm::cli
