#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "rtm/msg/ids.hpp"

namespace rtm::cli {

// Writes capture lines, one per frame, as rtm replay and rtm normalize read
// them: {"ts_recv":<ns>,"venue":"binance","channel":"ws"|"rest","url":"...","frame":<the venue's JSON>}
// The frame is written as it was received; line breaks in it (whitespace in
// valid JSON) become spaces so that each frame stays on one line.
class CaptureWriter {
 public:
  explicit CaptureWriter(std::FILE* out) noexcept : out_(out) {}

  // False once writing failed (a full disk): the caller stops and says so.
  bool write(msg::Venue venue, bool rest, std::string_view url, std::string_view frame, std::int64_t ts_recv);
  [[nodiscard]] std::uint64_t frames() const noexcept { return frames_; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  std::FILE* out_;
  std::string line_;
  std::uint64_t frames_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace rtm::cli
