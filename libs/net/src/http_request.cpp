// HttpRequest's readers, apart from the server so that code handling
// requests (and its fuzzers) need not compile Beast.
#include <algorithm>

#include "rtm/net/http_server.hpp"

namespace rtm::net {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
           return lower(x) == lower(y);
         });
}

}  // namespace

std::string_view HttpRequest::path() const noexcept {
  const std::string_view whole = target;
  return whole.substr(0, whole.find('?'));
}

std::string_view HttpRequest::query() const noexcept {
  const std::string_view whole = target;
  const std::size_t mark = whole.find('?');
  return mark == std::string_view::npos ? std::string_view() : whole.substr(mark + 1);
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const noexcept {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

}  // namespace rtm::net
