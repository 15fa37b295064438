#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rtm/feeds/frame.hpp"

namespace rtm::bench {

// Many frames in one buffer, each followed by kFramePadding zero bytes: what
// simdjson needs after a frame, and a NUL terminator for RapidJSON.
class FrameSet {
 public:
  void add(std::string_view frame) {
    offsets_.push_back({buffer_.size(), frame.size()});
    buffer_.append(frame);
    buffer_.append(feeds::kFramePadding, '\0');
  }
  [[nodiscard]] std::size_t size() const { return offsets_.size(); }
  [[nodiscard]] feeds::PaddedFrame operator[](std::size_t i) const {
    return {std::string_view(buffer_.data() + offsets_[i].first, offsets_[i].second)};
  }

 private:
  std::string buffer_;
  std::vector<std::pair<std::size_t, std::size_t>> offsets_;
};

}  // namespace rtm::bench
