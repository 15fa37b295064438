#include "rtm/msg/instrument_registry.hpp"

#include <algorithm>
#include <mutex>

namespace rtm::msg {
namespace {
std::string upper(std::string_view symbol) {
  std::string result(symbol);
  std::transform(result.begin(), result.end(), result.begin(), detail::ascii_upper);
  return result;
}
}  // namespace

InstrumentRegistry::AddResult InstrumentRegistry::add(Venue venue, std::string_view symbol) {
  return add_with_id(make_instrument_id(venue, symbol), venue, symbol);
}

InstrumentRegistry::AddResult InstrumentRegistry::add_with_id(InstrumentId id, Venue venue, std::string_view symbol) {
  InstrumentKey key{venue, upper(symbol)};
  std::unique_lock lock(mutex_);
  auto [slot, inserted] = by_id_.try_emplace(id, key);
  if (inserted) return {AddStatus::kAdded, id, {}};
  if (slot->second == key) return {AddStatus::kAlreadyKnown, id, {}};
  return {AddStatus::kCollision, id, slot->second};
}

std::optional<InstrumentKey> InstrumentRegistry::find(InstrumentId id) const {
  std::shared_lock lock(mutex_);
  const auto found = by_id_.find(id);
  if (found == by_id_.end()) return std::nullopt;
  return found->second;
}

std::size_t InstrumentRegistry::size() const {
  std::shared_lock lock(mutex_);
  return by_id_.size();
}

}  // namespace rtm::msg
