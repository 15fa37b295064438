// rtm record: frames from the venues, exactly as received, to a capture file
// that rtm replay and rtm normalize read back.
#include "record_command.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture_writer.hpp"
#include "ingest_runner.hpp"

namespace rtm::cli {
namespace {

constexpr const char* kUsage =
    "usage: rtm record --out FILE [options]\n"
    "\n"
    "Writes every frame the venues send (WebSocket messages and Binance's REST depth\n"
    "snapshots) to FILE, one JSON line per frame with its receive time, while the\n"
    "adapters keep the books in sync so that snapshots are fetched when needed.\n"
    "FILE '-' is standard output. The feed is live unless --feed says otherwise\n"
    "(--feed synthetic records the synthetic market). Ctrl-C stops; the file ends\n"
    "with the last whole frame.\n"
    "\n"
    "  --out FILE                   RTM_OUT              the capture file\n";

volatile std::sig_atomic_t g_stop = 0;

}  // namespace

int record_command(int argc, char** argv) {
  // --out is this command's own; the rest are ingest's.
  std::string out_path;
  if (const char* env = std::getenv("RTM_OUT")) out_path = env;  // NOLINT(concurrency-mt-unsafe): at startup
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else {
      rest.push_back(argv[i]);
    }
  }
  ingest::IngestOptions defaults;
  defaults.feed = "live";
  const auto options = ingest::parse_ingest_options("rtm record", static_cast<int>(rest.size()), rest.data(), defaults);
  if (!options) return 2;
  if (options->help) {
    std::printf("%s%s", kUsage, ingest::kIngestOptionsHelp);
    return 0;
  }
  if (out_path.empty()) {
    std::fprintf(stderr, "rtm record: where to? (--out FILE)\n");
    return 2;
  }
  if (options->feed.starts_with("replay:")) {
    std::fprintf(stderr, "rtm record: a capture is already recorded; record --feed live or synthetic\n");
    return 2;
  }
  std::FILE* out = out_path == "-" ? stdout : std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "rtm record: cannot write %s\n", out_path.c_str());
    return 1;
  }
  CaptureWriter writer(out);
  bool write_failed = false;
  feeds::DiscardingSink discard;  // recording wants the frames, not the records
  ingest::IngestRunner runner(
      *options, discard,
      [&](msg::Venue venue, bool rest_frame, std::string_view url, std::string_view frame, std::int64_t ts_recv) {
        if (!write_failed && !writer.write(venue, rest_frame, url, frame, ts_recv)) {
          write_failed = true;
          g_stop = 1;
        }
      });
  std::fprintf(stderr, "rtm record: %s to %s\n", runner.describe().c_str(), out_path.c_str());
  g_stop = 0;
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  try {
    runner.run(g_stop, [&](const std::string& summary) {
      std::fprintf(stderr, "%s%llu frames recorded (%.1f MB)\n\n", summary.c_str(),
                   static_cast<unsigned long long>(writer.frames()), static_cast<double>(writer.bytes()) / 1e6);
    });
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm record: %s\n", error.what());
    return 1;
  }
  const bool closed = out == stdout ? std::fflush(out) == 0 : std::fclose(out) == 0;
  if (write_failed || !closed) {
    std::fprintf(stderr, "rtm record: writing %s failed; the capture ends at frame %llu\n", out_path.c_str(),
                 static_cast<unsigned long long>(writer.frames()));
    return 1;
  }
  return 0;
}

}  // namespace rtm::cli
