#include "client_outbox.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

namespace rtm::api {

void ClientOutbox::push_state(const std::string& key, net::SharedText text) {
  auto [found, added] = latest_.try_emplace(key, text);
  if (!added) {
    found->second = std::move(text);  // the waiting slot sends the newest
    return;
  }
  slots_.push_back({Kind::kState, key, nullptr});
}

void ClientOutbox::push_trade(const std::string& stream, net::SharedText text) {
  if (slots_.size() >= limit_) {
    const auto oldest = std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.kind == Kind::kTrade; });
    if (oldest == slots_.end()) return;  // full of state: this one is the one lost
    ++missed_[oldest->key];
    ++dropped_total_;
    slots_.erase(oldest);
    if (!over_since_) over_since_ = std::chrono::steady_clock::now();
  }
  slots_.push_back({Kind::kTrade, stream, std::move(text)});
}

void ClientOutbox::push_control(net::SharedText text) {
  slots_.push_back({Kind::kControl, {}, std::move(text)});
}

void ClientOutbox::clear() noexcept {
  slots_.clear();
  latest_.clear();
  missed_.clear();
}

net::SharedText ClientOutbox::pop() {
  if (slots_.empty()) return nullptr;
  Slot& slot = slots_.front();
  net::SharedText text;
  if (slot.kind == Kind::kState) {
    const auto found = latest_.find(slot.key);
    text = std::move(found->second);
    latest_.erase(found);
  } else if (slot.kind == Kind::kTrade) {
    if (const auto missed = missed_.find(slot.key); missed != missed_.end()) {
      // The notice first; the trade stays at the front for the next pop.
      boost::json::object notice{{"type", "dropped"}, {"channel", "trades"}, {"instrument", slot.key},
                                 {"count", missed->second}};
      missed_.erase(missed);
      return std::make_shared<const std::string>(boost::json::serialize(notice));
    }
    text = std::move(slot.text);
  } else {
    text = std::move(slot.text);
  }
  slots_.pop_front();
  if (slots_.size() < limit_ / 2) over_since_.reset();
  return text;
}

}  // namespace rtm::api
