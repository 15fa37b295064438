#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

namespace rtm::feeds {

// The JSON parser reads up to this many bytes past the end of a frame (it
// parses in 64-byte blocks), so every frame handed to an adapter must have
// them readable.
inline constexpr std::size_t kFramePadding = 64;

// A frame with kFramePadding readable bytes after its end.
struct PaddedFrame {
  std::string_view text;
};

// Owns a reusable padded buffer: copies a frame in and hands out a
// PaddedFrame. Grows to the largest frame seen, then never allocates again.
class FrameBuffer {
 public:
  PaddedFrame assign(std::string_view frame) {
    if (buffer_.size() < frame.size() + kFramePadding) buffer_.resize(frame.size() + kFramePadding);
    std::memcpy(buffer_.data(), frame.data(), frame.size());
    std::memset(buffer_.data() + frame.size(), 0, kFramePadding);
    return {std::string_view(buffer_.data(), frame.size())};
  }

 private:
  std::vector<char> buffer_;
};

}  // namespace rtm::feeds
