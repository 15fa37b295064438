#include "api_keys.hpp"

#include <algorithm>

namespace rtm::api {

ApiKeys::ApiKeys(ApiKeysOptions options)
    : options_(std::move(options)), keys_(options_.keys.begin(), options_.keys.end()) {}

bool ApiKeys::known(std::string_view key) const {
  return keys_.find(key) != keys_.end();
}

std::optional<std::string> ApiKeys::from_header(std::optional<std::string_view> authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization || !authorization->starts_with(kBearer)) return std::nullopt;
  const std::string_view key = authorization->substr(kBearer.size());
  if (!known(key)) return std::nullopt;
  return std::string(key);
}

bool ApiKeys::take(std::map<std::string, Bucket, std::less<>>& buckets, const std::string& key, double rate) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto [found, added] = buckets.try_emplace(key, Bucket{2 * rate, now});
  Bucket& bucket = found->second;
  bucket.tokens = std::min(2 * rate, bucket.tokens + rate * std::chrono::duration<double>(now - bucket.refilled).count());
  bucket.refilled = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

bool ApiKeys::take_request(const std::string& key) {
  return take(requests_, key, options_.requests_per_second);
}

bool ApiKeys::take_subscription(const std::string& key) {
  return take(subscriptions_, key, options_.subscriptions_per_second);
}

bool ApiKeys::open_connection(const std::string& key) {
  std::lock_guard lock(mutex_);
  std::size_t& open = connections_[key];
  if (open >= options_.max_connections) return false;
  ++open;
  return true;
}

void ApiKeys::close_connection(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(key);
  if (found != connections_.end() && found->second > 0) --found->second;
}

}  // namespace rtm::api
