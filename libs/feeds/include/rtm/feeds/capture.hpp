#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rtm/feeds/frame.hpp"
#include "rtm/msg/ids.hpp"

namespace rtm::feeds {

// One line of a capture file, as rtm record writes it:
// {"ts_recv":<ns>,"venue":"binance","channel":"ws"|"rest","url":"...","frame":<the venue's JSON>}
struct CaptureLine {
  std::int64_t ts_recv = 0;
  msg::Venue venue = msg::Venue::kUnknown;
  bool rest = false;     // channel "rest": a REST response (Binance's depth snapshot)
  std::string_view url;  // views into the line
  PaddedFrame frame;     // the venue's JSON, exactly as received
};

// Reads capture lines. A line that is not a capture line (no "frame") is
// reported as such, so tools can accept bare venue frames too.
class CaptureParser {
 public:
  enum class Kind { kCapture, kBareFrame, kMalformed };

  CaptureParser();
  ~CaptureParser();
  CaptureParser(const CaptureParser&) = delete;
  CaptureParser& operator=(const CaptureParser&) = delete;

  // line must stay alive (and padded) while `out` is used; on kMalformed,
  // error says why.
  Kind parse(PaddedFrame line, CaptureLine& out, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The value of a query parameter in a URL ("symbol" in
// .../api/v3/depth?symbol=BTCUSDT&limit=1000), empty if absent.
std::string_view query_parameter(std::string_view url, std::string_view name) noexcept;

}  // namespace rtm::feeds
