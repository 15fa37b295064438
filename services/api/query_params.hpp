#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtm::api {

// A request's query string, percent-decoded, with typed readers that say
// what is wrong with a value in words a client can act on. Each reader
// returns nullopt for an absent parameter and sets error() for a bad one.
class QueryParams {
 public:
  // False (and error() says why) for a malformed string: a bad %-escape,
  // a repeated parameter, or more than 32 parameters.
  bool parse(std::string_view query);

  [[nodiscard]] std::optional<std::string_view> text(std::string_view name) const;
  // A whole number within [min, max].
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max);
  // A time: RFC 3339 ("2026-01-05T10:00:00Z") or ns since the epoch.
  std::optional<std::int64_t> time(std::string_view name);
  // A duration: a number and ms, s, m, h or d ("1m").
  std::optional<std::int64_t> duration_ns(std::string_view name);
  // The name of a parameter not in `known`, if any: a typo is refused
  // rather than silently ignored.
  [[nodiscard]] std::optional<std::string> unknown(std::initializer_list<std::string_view> known) const;

  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // The parameter error() is about.
  [[nodiscard]] const std::string& error_parameter() const noexcept { return error_parameter_; }

 private:
  void fail(std::string_view name, std::string message);

  std::vector<std::pair<std::string, std::string>> params_;
  std::string error_;
  std::string error_parameter_;
};

}  // namespace rtm::api
