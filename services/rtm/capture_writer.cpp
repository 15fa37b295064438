#include "capture_writer.hpp"

namespace rtm::cli {

bool CaptureWriter::write(msg::Venue venue, bool rest, std::string_view url, std::string_view frame,
                          std::int64_t ts_recv) {
  line_.clear();
  line_ += R"({"ts_recv":)";
  line_ += std::to_string(ts_recv);
  line_ += R"(,"venue":")";
  line_ += msg::venue_name(venue);
  line_ += rest ? R"(","channel":"rest","url":")" : R"(","channel":"ws","url":")";
  for (const char c : url) {  // URLs hold no control characters; quotes and backslashes are escaped
    if (c == '"' || c == '\\') line_ += '\\';
    line_ += c;
  }
  line_ += R"(","frame":)";
  const std::size_t frame_start = line_.size();
  line_ += frame;
  for (std::size_t i = frame_start; i < line_.size(); ++i) {
    if (line_[i] == '\n' || line_[i] == '\r') line_[i] = ' ';
  }
  line_ += "}\n";
  if (std::fwrite(line_.data(), 1, line_.size(), out_) != line_.size()) return false;
  ++frames_;
  bytes_ += line_.size();
  return true;
}

}  // namespace rtm::cli
