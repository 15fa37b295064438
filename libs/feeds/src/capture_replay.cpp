#include "rtm/feeds/capture_replay.hpp"

namespace rtm::feeds {

CaptureReplay::CaptureReplay(std::istream& in, VenueSet& venues, ReplayOptions options)
    : in_(in), venues_(venues), pacer_(options.speed) {}

bool CaptureReplay::step() {
  if (!std::getline(in_, line_)) return false;
  ++progress_.lines;
  progress_.bytes_read += line_.size() + 1;
  if (line_.empty()) return true;
  CaptureLine capture;
  const auto kind = parser_.parse(buffer_.assign(line_), capture, error_);
  if (kind != CaptureParser::Kind::kCapture) {
    report(kind == CaptureParser::Kind::kBareFrame ? "not a capture line (no \"frame\")" : error_);
    return true;
  }
  if (capture.venue == msg::Venue::kUnknown || capture.venue == msg::Venue::kComposite) {
    report("capture line of an unknown venue");
    return true;
  }
  if (progress_.frames == 0) progress_.first_ts_recv = capture.ts_recv;
  progress_.last_ts_recv = capture.ts_recv;
  pacer_.wait_until(capture.ts_recv);
  ++progress_.frames;
  const FrameResult result = capture.rest ? venues_.on_rest(capture.venue, capture.url, capture.frame, capture.ts_recv)
                                          : venues_.on_frame(capture.venue, capture.frame, capture.ts_recv);
  if (result == FrameResult::kMalformed && bad_line_) bad_line_(progress_.lines, venues_.last_error());
  return true;
}

void CaptureReplay::report(std::string_view reason) {
  ++progress_.bad_lines;
  if (bad_line_) bad_line_(progress_.lines, reason);
}

}  // namespace rtm::feeds
