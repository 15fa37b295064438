#include "rtm/msg/in_process_transport.hpp"

#include <atomic>
#include <stdexcept>

namespace rtm::msg {

// Shared by the transport and every publisher and subscriber of the channel,
// so that either may outlive the other.
struct InProcessTransport::Channel {
  Channel(std::string channel_name, BroadcastRingOptions options) : ring(options), name(std::move(channel_name)) {}
  BroadcastRing ring;
  const std::string name;
  std::atomic<bool> has_publisher{false};
};

namespace {

class RingPublisher final : public Publisher {
 public:
  explicit RingPublisher(std::shared_ptr<InProcessTransport::Channel> channel) : channel_(std::move(channel)) {}
  ~RingPublisher() override { channel_->has_publisher.store(false, std::memory_order_release); }
  RingPublisher(const RingPublisher&) = delete;
  RingPublisher& operator=(const RingPublisher&) = delete;

  PublishStatus offer(std::span<const std::byte> record) override { return channel_->ring.offer(record); }
  [[nodiscard]] std::string_view channel() const override { return channel_->name; }

 private:
  std::shared_ptr<InProcessTransport::Channel> channel_;
};

class RingSubscriber final : public Subscriber {
 public:
  RingSubscriber(std::shared_ptr<InProcessTransport::Channel> channel, StartFrom start)
      : channel_(std::move(channel)), reader_(channel_->ring.make_reader(start)) {}

  std::size_t poll(RecordHandler& handler, std::size_t limit) override {
    return reader_.poll([&handler](std::span<const std::byte> record) { handler.on_record(record); },
                        [&handler](std::uint64_t lost) { handler.on_gap(lost); }, limit);
  }
  [[nodiscard]] std::string_view channel() const override { return channel_->name; }
  [[nodiscard]] std::uint64_t lost() const override { return reader_.lost(); }

 private:
  std::shared_ptr<InProcessTransport::Channel> channel_;  // declared first: outlives reader_
  BroadcastRing::Reader reader_;
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

std::shared_ptr<InProcessTransport::Channel> InProcessTransport::channel(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto found = channels_.find(name); found != channels_.end()) return found->second;
  const auto configured = configured_.find(name);
  const BroadcastRingOptions options = configured != configured_.end() ? configured->second : defaults_;
  auto created = std::make_shared<Channel>(std::string(name), options);
  channels_.emplace(std::string(name), created);
  return created;
}

std::unique_ptr<Publisher> InProcessTransport::make_publisher(std::string_view name) {
  auto target = channel(name);
  if (target->has_publisher.exchange(true, std::memory_order_acq_rel)) {
    throw std::logic_error("channel '" + target->name + "' already has a publisher");
  }
  try {
    return std::make_unique<RingPublisher>(target);
  } catch (...) {
    target->has_publisher.store(false, std::memory_order_release);
    throw;
  }
}

std::unique_ptr<Subscriber> InProcessTransport::make_subscriber(std::string_view name, SubscribeOptions options) {
  return std::make_unique<RingSubscriber>(channel(name), options.start);
}

}  // namespace rtm::msg
