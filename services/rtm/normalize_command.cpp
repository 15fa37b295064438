// rtm normalize: venue frames in, one JSON line per normalized record out.
// The tool users reach for when a feed misbehaves, so it never stops at a bad
// line: the line goes to stderr with its number and reason, and the rest is
// still read.
#include "normalize_command.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "input_file.hpp"
#include "json_lines_sink.hpp"
#include "rtm/json/record_json.hpp"
#include "rtm/feeds/capture.hpp"
#include "rtm/feeds/kraken_adapter.hpp"
#include "rtm/feeds/venue_set.hpp"

namespace rtm::cli {
namespace {

constexpr const char* kUsage =
    "usage: rtm normalize [--venue binance|coinbase|kraken] [--book-top N] [FILE]\n"
    "\n"
    "Reads venue frames from FILE (or standard input), one per line: bare venue\n"
    "JSON (then --venue is required) or capture lines as rtm record writes them.\n"
    "Writes one JSON line per normalized record; with --book-top N also the top N\n"
    "levels of each book a frame changed. Bad lines go to stderr and are skipped.\n";

struct Options {
  bool help = false;
  std::optional<msg::Venue> venue;
  std::size_t book_top = 0;
  std::string file;
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--venue" && has_value) {
      options.venue = msg::parse_venue(argv[++i]);
      if (!options.venue || *options.venue == msg::Venue::kComposite) {
        std::fprintf(stderr, "rtm normalize: unknown venue '%s'\n", argv[i]);
        return std::nullopt;
      }
    } else if (arg == "--book-top" && has_value) {
      const std::string_view text = argv[++i];
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.book_top);
      if (error != std::errc() || end != text.data() + text.size() || options.book_top == 0) {
        std::fprintf(stderr, "rtm normalize: --book-top takes a positive number, not '%s'\n", argv[i]);
        return std::nullopt;
      }
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (!arg.starts_with("--") && options.file.empty()) {
      options.file = arg;
    } else {
      std::fprintf(stderr, "rtm normalize: unexpected argument '%s'\n\n%s", argv[i], kUsage);
      return std::nullopt;
    }
  }
  return options;
}

std::string_view checksum_text(const feeds::VenueAdapter& adapter, std::string_view symbol) {
  const auto* kraken = dynamic_cast<const feeds::KrakenAdapter*>(&adapter);
  if (kraken == nullptr) return "none";
  switch (kraken->last_checksum(symbol)) {
    case feeds::ChecksumStatus::kOk:
      return "ok";
    case feeds::ChecksumStatus::kMismatch:
      return "mismatch";
    case feeds::ChecksumStatus::kNone:
      return "none";
  }
  return "none";
}

void print_books(const feeds::VenueAdapter& adapter, const feeds::InstrumentCatalog& catalog,
                 const std::set<msg::InstrumentId>& touched, std::size_t depth) {
  std::vector<feeds::PriceLevel> levels(depth);
  for (const msg::InstrumentId id : touched) {
    const feeds::Instrument* instrument = catalog.find(id);
    const feeds::OrderBook* book = instrument ? adapter.book(instrument->spec.symbol) : nullptr;
    if (book == nullptr) continue;
    boost::json::object out;
    out["type"] = "book";
    out["instrument"] = catalog.name(id);
    for (const auto side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
      boost::json::array rows;
      const std::size_t count = book->top(side, levels);
      for (std::size_t i = 0; i < count; ++i) {
        rows.push_back(boost::json::array{json::decimal_text(levels[i].price, instrument->spec.price_scale),
                                          json::decimal_text(levels[i].size, instrument->spec.size_scale)});
      }
      out[side == msg::BookSide::kBid ? "bids" : "asks"] = std::move(rows);
    }
    out["checksum"] = checksum_text(adapter, instrument->spec.symbol);
    write_json_line(out);
  }
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int normalize_command(int argc, char** argv) {
  const std::optional<Options> options = parse_options(argc, argv);
  if (!options) return 2;
  if (options->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::ifstream file;
  std::istream* const input = open_input(options->file, file, "rtm normalize");
  if (input == nullptr) return 1;
  std::istream& in = *input;

  feeds::InstrumentCatalog catalog;
  JsonLinesSink sink(catalog);
  feeds::VenueSet venues(catalog, sink);

  feeds::CaptureParser captures;
  feeds::FrameBuffer buffer;
  std::string error;
  std::size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    const feeds::PaddedFrame padded = buffer.assign(line);
    feeds::CaptureLine capture;
    const auto kind = captures.parse(padded, capture, error);
    if (kind == feeds::CaptureParser::Kind::kMalformed) {
      std::fprintf(stderr, "line %zu: %s\n", line_number, error.c_str());
      continue;
    }
    const bool bare = kind == feeds::CaptureParser::Kind::kBareFrame;
    const msg::Venue venue = bare ? options->venue.value_or(msg::Venue::kUnknown) : capture.venue;
    if (venue != msg::Venue::kBinance && venue != msg::Venue::kCoinbase && venue != msg::Venue::kKraken) {
      std::fprintf(stderr, "line %zu: %s\n", line_number,
                   bare ? "a bare venue frame needs --venue" : "a capture line of an unknown venue");
      continue;
    }
    const std::int64_t ts_recv = bare ? now_ns() : capture.ts_recv;
    const feeds::FrameResult result = !bare && capture.rest
                                          ? venues.on_rest(venue, capture.url, capture.frame, ts_recv)
                                          : venues.on_frame(venue, bare ? padded : capture.frame, ts_recv);
    if (result == feeds::FrameResult::kMalformed) {
      const std::string reason(venues.last_error());
      std::fprintf(stderr, "line %zu: %s frame refused: %s\n", line_number, msg::venue_name(venue).data(),
                   reason.c_str());
    }
    const auto touched = sink.take_touched();
    if (options->book_top > 0) print_books(venues.adapter(venue), catalog, touched, options->book_top);
  }
  std::fflush(stdout);
  if (in.bad()) {
    std::fprintf(stderr, "rtm normalize: read error\n");
    return 1;
  }
  return 0;
}

}  // namespace rtm::cli
