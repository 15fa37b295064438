#include "rtm/msg/in_process_transport.hpp"

#include <atomic>
#include <stdexcept>

namespace rtm::msg {

struct InProcessTransport::Channel {
  Channel(std::string channel_name, BroadcastRingOptions options) : name(std::move(channel_name)), ring(options) {}
  const std::string name;
  BroadcastRing ring;
  std::atomic<bool> has_publisher{false};
};

namespace {

class RingPublisher final : public Publisher {
 public:
  RingPublisher(BroadcastRing& ring, std::atomic<bool>& has_publisher, std::string_view channel)
      : ring_(ring), has_publisher_(has_publisher), channel_(channel) {}
  ~RingPublisher() override { has_publisher_.store(false, std::memory_order_release); }
  RingPublisher(const RingPublisher&) = delete;
  RingPublisher& operator=(const RingPublisher&) = delete;

  PublishStatus offer(std::span<const std::byte> record) override { return ring_.offer(record); }
  [[nodiscard]] std::string_view channel() const override { return channel_; }

 private:
  BroadcastRing& ring_;
  std::atomic<bool>& has_publisher_;
  std::string_view channel_;
};

class RingSubscriber final : public Subscriber {
 public:
  RingSubscriber(BroadcastRing::Reader reader, std::string_view channel)
      : reader_(std::move(reader)), channel_(channel) {}

  std::size_t poll(RecordHandler& handler, std::size_t limit) override {
    return reader_.poll([&handler](std::span<const std::byte> record) { handler.on_record(record); },
                        [&handler](std::uint64_t lost) { handler.on_gap(lost); }, limit);
  }
  [[nodiscard]] std::string_view channel() const override { return channel_; }
  [[nodiscard]] std::uint64_t lost() const override { return reader_.lost(); }

 private:
  BroadcastRing::Reader reader_;
  std::string_view channel_;
};

}  // namespace

InProcessTransport::InProcessTransport(BroadcastRingOptions defaults) : defaults_(defaults) {}
InProcessTransport::~InProcessTransport() = default;

void InProcessTransport::configure_channel(std::string_view channel, BroadcastRingOptions options) {
  std::lock_guard lock(mutex_);
  if (channels_.contains(channel)) {
    throw std::logic_error("channel '" + std::string(channel) + "' is already in use; configure it before first use");
  }
  configured_.insert_or_assign(std::string(channel), options);
}

InProcessTransport::Channel& InProcessTransport::channel(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto found = channels_.find(name); found != channels_.end()) return *found->second;
  const auto configured = configured_.find(name);
  const BroadcastRingOptions options = configured != configured_.end() ? configured->second : defaults_;
  auto [inserted, added] = channels_.emplace(std::string(name), std::make_unique<Channel>(std::string(name), options));
  return *inserted->second;
}

std::unique_ptr<Publisher> InProcessTransport::make_publisher(std::string_view name) {
  Channel& target = channel(name);
  if (target.has_publisher.exchange(true, std::memory_order_acq_rel)) {
    throw std::logic_error("channel '" + target.name + "' already has a publisher");
  }
  return std::make_unique<RingPublisher>(target.ring, target.has_publisher, target.name);
}

std::unique_ptr<Subscriber> InProcessTransport::make_subscriber(std::string_view name, SubscribeOptions options) {
  Channel& target = channel(name);
  return std::make_unique<RingSubscriber>(target.ring.make_reader(options.start), target.name);
}

}  // namespace rtm::msg
