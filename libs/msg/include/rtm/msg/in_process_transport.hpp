#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "rtm/msg/broadcast_ring.hpp"
#include "rtm/msg/transport.hpp"

namespace rtm::msg {

// The embedded bus: every channel is a BroadcastRing in this process, so a
// publish is a copy into shared memory and every subscriber reads it with no
// system call and no lock. Channels come into being on first use, with the
// options configured for them or the defaults.
class InProcessTransport final : public Transport {
 public:
  explicit InProcessTransport(BroadcastRingOptions defaults = {});
  ~InProcessTransport() override;

  // Must come before the channel's first publisher or subscriber; throws
  // std::logic_error after.
  void configure_channel(std::string_view channel, BroadcastRingOptions options);

  std::unique_ptr<Publisher> make_publisher(std::string_view name) override;
  std::unique_ptr<Subscriber> make_subscriber(std::string_view name, SubscribeOptions options) override;

  // Shared with the channel's publisher and subscribers, which may outlive
  // the transport.
  struct Channel;

 private:
  std::shared_ptr<Channel> channel(std::string_view name);

  BroadcastRingOptions defaults_;
  std::mutex mutex_;
  std::map<std::string, BroadcastRingOptions, std::less<>> configured_;
  std::map<std::string, std::shared_ptr<Channel>, std::less<>> channels_;
};

}  // namespace rtm::msg
