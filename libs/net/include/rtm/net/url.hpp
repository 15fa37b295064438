#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtm::net {

// A ws://, wss://, http:// or https:// URL, split as a client needs it.
struct Url {
  bool tls = false;
  bool websocket = false;
  std::string host;
  std::uint16_t port = 0;
  std::string target = "/";  // path and query

  // host:port, or host alone on the scheme's default port (the Host header).
  [[nodiscard]] std::string authority() const;
};

// nullopt for another scheme, no host, a bad port or user info.
std::optional<Url> parse_url(std::string_view text);

}  // namespace rtm::net
