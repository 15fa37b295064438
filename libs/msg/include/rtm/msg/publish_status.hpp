#pragma once

#include <cstdint>
#include <string_view>

namespace rtm::msg {

// What a publish attempt did. Back-pressure is an expected outcome that the
// caller decides about (retry, drop, slow down), not an error.
enum class PublishStatus : std::uint8_t {
  kOk = 0,
  kBackPressured,  // a reader configured to hold the writer back is a full ring behind
  kTooLarge,       // the record exceeds the channel's maximum record size
  kClosed,         // the transport is shutting down or lost its connection
};

std::string_view to_string(PublishStatus status) noexcept;

}  // namespace rtm::msg
