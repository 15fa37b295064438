#include "query_params.hpp"

#include <algorithm>
#include <charconv>

#include "rtm/feeds/rfc3339.hpp"
#include "rtm/stream/durations.hpp"

namespace rtm::api {
namespace {

constexpr std::size_t kMaxParams = 32;

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: %XX escapes, '+' for a space.
std::optional<std::string> decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;  // needs two hex digits after it
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool QueryParams::parse(std::string_view query) {
  params_.clear();
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    const auto name = decode(pair.substr(0, equals));
    const auto value = decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!name || !value) {
      fail("", "the query string has a bad %-escape");
      return false;
    }
    if (text(*name)) {
      fail(*name, "parameter '" + *name + "' is given twice");
      return false;
    }
    if (params_.size() == kMaxParams) {
      fail("", "more than " + std::to_string(kMaxParams) + " query parameters");
      return false;
    }
    params_.emplace_back(std::move(*name), std::move(*value));
  }
  return true;
}

std::optional<std::string_view> QueryParams::text(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::int64_t> QueryParams::integer(std::string_view name, std::int64_t min, std::int64_t max) {
  const auto value = text(name);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc() || end != value->data() + value->size() || number < min || number > max) {
    fail(name, "'" + std::string(name) + "' must be a whole number from " + std::to_string(min) + " to " +
                   std::to_string(max) + ", not '" + std::string(*value) + "'");
    return std::nullopt;
  }
  return number;
}

std::optional<std::int64_t> QueryParams::time(std::string_view name) {
  const auto value = text(name);
  if (!value) return std::nullopt;
  std::int64_t ns = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), ns);
  if (error == std::errc() && end == value->data() + value->size()) return ns;
  if (feeds::parse_rfc3339(*value, ns)) return ns;
  fail(name, "'" + std::string(name) + "' must be an RFC 3339 time (2026-01-05T10:00:00Z) or ns since the epoch, not '" +
                 std::string(*value) + "'");
  return std::nullopt;
}

std::optional<std::int64_t> QueryParams::duration_ns(std::string_view name) {
  const auto value = text(name);
  if (!value) return std::nullopt;
  const auto duration = stream::parse_duration(*value);
  if (!duration || duration->count() <= 0) {
    fail(name, "'" + std::string(name) + "' must be a duration such as 1s, 1m or 1h, not '" + std::string(*value) + "'");
    return std::nullopt;
  }
  return duration->count();
}

std::optional<std::string> QueryParams::unknown(std::initializer_list<std::string_view> known) const {
  for (const auto& entry : params_) {
    if (std::find(known.begin(), known.end(), entry.first) == known.end()) return entry.first;
  }
  return std::nullopt;
}

void QueryParams::fail(std::string_view name, std::string message) {
  if (!error_.empty()) return;  // the first problem is the one reported
  error_parameter_ = std::string(name);
  error_ = std::move(message);
}

}  // namespace rtm::api
