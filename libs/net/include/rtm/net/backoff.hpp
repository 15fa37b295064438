#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace rtm::net {

struct BackoffOptions {
  std::chrono::milliseconds initial{250};
  std::chrono::milliseconds max{30'000};
  double multiplier = 2.0;
  // Each delay is spread uniformly over +-jitter of itself, so that clients
  // cut off together do not all reconnect in the same instant.
  double jitter = 0.2;
};

// Exponential backoff with jitter: initial, then `multiplier` times the
// previous delay up to `max`; reset() after a connection that stayed up.
class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, std::uint64_t seed = 0x5EEDULL) noexcept
      : options_(options), state_(seed | 1U) {}

  std::chrono::milliseconds next() noexcept {
    const double base =
        std::min(static_cast<double>(options_.initial.count()) * factor_, static_cast<double>(options_.max.count()));
    factor_ = std::min(factor_ * options_.multiplier, 1e12);
    const double spread = 1.0 + options_.jitter * (2.0 * uniform() - 1.0);
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(base * spread, 0.0)));
  }
  void reset() noexcept { factor_ = 1.0; }

 private:
  // xorshift64*: enough to spread reconnects, and reproducible in tests.
  double uniform() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<double>((state_ * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
  }

  BackoffOptions options_;
  double factor_ = 1.0;
  std::uint64_t state_;
};

}  // namespace rtm::net
