#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rtm::api {

struct ApiKeysOptions {
  std::vector<std::string> keys;   // none: the API is open
  double requests_per_second = 50;  // REST requests, per key, in bursts of twice that
  double subscriptions_per_second = 10;  // WebSocket subscribe ops, per key, likewise
  std::size_t max_connections = 20;      // WebSocket connections, per key
};

// The API keys a deployment configures, and what each may do: a token
// bucket of REST requests and one of WebSocket subscriptions per key, and a
// cap on its WebSocket connections. Thread-safe.
class ApiKeys {
 public:
  explicit ApiKeys(ApiKeysOptions options);

  [[nodiscard]] bool required() const noexcept { return !options_.keys.empty(); }
  [[nodiscard]] bool known(std::string_view key) const;
  // The key of an "Authorization: Bearer KEY" header, if it is one of ours.
  [[nodiscard]] std::optional<std::string> from_header(std::optional<std::string_view> authorization) const;

  bool take_request(const std::string& key);
  bool take_subscription(const std::string& key);
  // False when the key is at its cap.
  bool open_connection(const std::string& key);
  void close_connection(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled;
  };
  bool take(std::map<std::string, Bucket, std::less<>>& buckets, const std::string& key, double rate);

  ApiKeysOptions options_;
  std::set<std::string, std::less<>> keys_;
  std::mutex mutex_;  // guards what follows
  std::map<std::string, Bucket, std::less<>> requests_, subscriptions_;
  std::map<std::string, std::size_t, std::less<>> connections_;
};

}  // namespace rtm::api
