#pragma once

#include <system_error>

namespace rtm::net {

// The client's own errors; Beast's, Asio's and OpenSSL's come through as
// they are.
enum class errc {
  bad_url = 1,
  stale_feed,   // no message within the read timeout
  http_status,  // a response other than 200
  stopped,      // the client was stopped
};

const std::error_category& net_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), net_category()};
}

}  // namespace rtm::net

template <>
struct std::is_error_code_enum<rtm::net::errc> : std::true_type {};
