#include "rtm/net/url.hpp"

#include <charconv>

namespace rtm::net {

std::string Url::authority() const {
  const std::uint16_t default_port = tls ? 443 : 80;
  return port == default_port ? host : host + ":" + std::to_string(port);
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = text.substr(0, scheme_end);
  if (scheme == "ws" || scheme == "wss")
    url.websocket = true;
  else if (scheme != "http" && scheme != "https")
    return std::nullopt;
  url.tls = scheme == "wss" || scheme == "https";
  text.remove_prefix(scheme_end + 3);

  const auto authority_end = text.find_first_of("/?#");
  std::string_view authority = text.substr(0, authority_end);
  text.remove_prefix(authority_end == std::string_view::npos ? text.size() : authority_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  url.port = url.tls ? 443 : 80;
  std::string_view host = authority;
  if (authority.front() == '[') {  // [::1]:8443
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return std::nullopt;
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    authority.remove_prefix(colon == std::string_view::npos ? authority.size() : colon);
  }
  if (!authority.empty()) {  // ":port"
    const std::string_view port = authority.substr(1);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
    url.port = static_cast<std::uint16_t>(value);
  }
  if (host.empty()) return std::nullopt;
  url.host = host;

  const auto fragment = text.find('#');
  text = text.substr(0, fragment);
  if (text.empty()) text = "/";
  url.target = text.front() == '?' ? "/" + std::string(text) : std::string(text);
  return url;
}

}  // namespace rtm::net
