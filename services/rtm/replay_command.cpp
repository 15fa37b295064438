// rtm replay: a capture fed through the venue adapters as if it were live,
// at the recorded speed, N times faster or as fast as possible.
#include "replay_command.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "json_lines_sink.hpp"
#include "progress_bar.hpp"
#include "rtm/feeds/capture_replay.hpp"
#include "rtm/feeds/record_tally.hpp"

namespace rtm::cli {
namespace {

constexpr const char* kUsage =
    "usage: rtm replay FILE [--speed N | --max] [--json] [--no-progress]\n"
    "\n"
    "Feeds a capture (as rtm record writes it) through the venue adapters with its\n"
    "recorded receive times: at the recorded speed (the default, --speed 1), N times\n"
    "faster (--speed N) or as fast as possible (--max). Shows a progress bar on a\n"
    "terminal and ends with a summary per instrument. With --json every normalized\n"
    "record is also written to standard output as a JSON line. Ctrl-C stops early\n"
    "and still prints the summary.\n";

struct Options {
  bool help = false;
  std::string file;
  double speed = 1.0;
  bool json = false;
  bool progress = true;
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--speed" && i + 1 < argc) {
      const std::string_view text = argv[++i];
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.speed);
      if (error != std::errc() || end != text.data() + text.size() || !(options.speed > 0)) {
        std::fprintf(stderr, "rtm replay: --speed takes a positive number, not '%s'\n", argv[i]);
        return std::nullopt;
      }
    } else if (arg == "--max") {
      options.speed = 0;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--no-progress") {
      options.progress = false;
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (!arg.starts_with("--") && options.file.empty()) {
      options.file = arg;
    } else {
      std::fprintf(stderr, "rtm replay: unexpected argument '%s'\n\n%s", argv[i], kUsage);
      return std::nullopt;
    }
  }
  if (!options.help && options.file.empty()) {
    std::fprintf(stderr, "rtm replay: which capture file?\n\n%s", kUsage);
    return std::nullopt;
  }
  return options;
}

volatile std::sig_atomic_t g_interrupted = 0;

std::string progress_text(const feeds::ReplayProgress& progress) {
  const double seconds = static_cast<double>(progress.last_ts_recv - progress.first_ts_recv) / 1e9;
  char text[128];
  std::snprintf(text, sizeof(text), "%llu frames, %.1f s of capture", static_cast<unsigned long long>(progress.frames),
                seconds);
  return text;
}

}  // namespace

int replay_command(int argc, char** argv) {
  const std::optional<Options> options = parse_options(argc, argv);
  if (!options) return 2;
  if (options->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::ifstream file(options->file, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "rtm replay: cannot read %s\n", options->file.c_str());
    return 1;
  }
  std::error_code size_error;
  const auto total_bytes = std::filesystem::file_size(options->file, size_error);

  feeds::InstrumentCatalog catalog;
  JsonLinesSink json(catalog);
  feeds::RecordTally tally(options->json ? &json : nullptr);
  feeds::VenueSet venues(catalog, tally);
  feeds::CaptureReplay replay(file, venues, {.speed = options->speed});
  ProgressBar bar(options->progress);
  replay.on_bad_line([&](std::uint64_t line, std::string_view reason) {
    bar.finish();
    std::fprintf(stderr, "line %llu: %.*s\n", static_cast<unsigned long long>(line), static_cast<int>(reason.size()),
                 reason.data());
  });

  g_interrupted = 0;
  auto* const previous = std::signal(SIGINT, [](int) { g_interrupted = 1; });
  while (g_interrupted == 0 && replay.step()) {
    if (total_bytes > 0 && !size_error) {
      bar.update(static_cast<double>(replay.progress().bytes_read) / static_cast<double>(total_bytes),
                 progress_text(replay.progress()));
    }
  }
  std::signal(SIGINT, previous);
  bar.finish();
  std::fflush(stdout);
  if (file.bad()) {
    std::fprintf(stderr, "rtm replay: read error in %s\n", options->file.c_str());
    return 1;
  }
  std::fprintf(stderr, "%s%s\n%s", g_interrupted != 0 ? "interrupted: " : "", progress_text(replay.progress()).c_str(),
               feeds::format_summary(tally, venues).c_str());
  return 0;
}

}  // namespace rtm::cli
