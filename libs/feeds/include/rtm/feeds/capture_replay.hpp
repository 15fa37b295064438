#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "rtm/feeds/capture.hpp"
#include "rtm/feeds/frame.hpp"
#include "rtm/feeds/pacer.hpp"
#include "rtm/feeds/venue_set.hpp"

namespace rtm::feeds {

struct ReplayOptions {
  // 1 replays at the speed the capture was recorded, N is N times faster,
  // 0 as fast as possible.
  double speed = 1.0;
};

struct ReplayProgress {
  std::uint64_t lines = 0;
  std::uint64_t frames = 0;     // handed to an adapter
  std::uint64_t bad_lines = 0;  // not capture lines: reported and skipped
  // (frames an adapter refuses are reported too, and counted by the adapter)
  std::uint64_t bytes_read = 0;
  std::int64_t first_ts_recv = 0;  // of the capture, ns
  std::int64_t last_ts_recv = 0;
};

// Feeds a capture file (rtm record's format) through a VenueSet, line by
// line, with each frame's recorded ts_recv (so a replay normalizes exactly
// as the live session did), paced by the recorded receive times. Lines that
// are no capture line, or frames an adapter refuses, are reported and
// skipped; the replay carries on.
class CaptureReplay {
 public:
  using BadLineHandler = std::function<void(std::uint64_t line, std::string_view reason)>;

  CaptureReplay(std::istream& in, VenueSet& venues, ReplayOptions options = {});

  // Replays the next line, sleeping first if pacing asks for it; false at
  // the end of the input.
  bool step();
  void on_bad_line(BadLineHandler handler) { bad_line_ = std::move(handler); }
  [[nodiscard]] const ReplayProgress& progress() const noexcept { return progress_; }

 private:
  void report(std::string_view reason);

  std::istream& in_;
  VenueSet& venues_;
  CaptureParser parser_;
  FrameBuffer buffer_;
  std::string line_;
  std::string error_;
  ReplayProgress progress_;
  BadLineHandler bad_line_;
  Pacer pacer_;
};

}  // namespace rtm::feeds
