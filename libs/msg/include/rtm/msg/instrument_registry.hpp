#pragma once

#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rtm/msg/ids.hpp"

namespace rtm::msg {

struct InstrumentKey {
  Venue venue = Venue::kUnknown;
  std::string symbol;  // upper-cased, as hashed
  friend bool operator==(const InstrumentKey&, const InstrumentKey&) = default;
};

// Maps instrument ids back to names and refuses a second name for an id that
// is taken: a hash collision is reported, never silently merged. Thread-safe;
// meant for start-up and instrument discovery, not the per-message path.
class InstrumentRegistry {
 public:
  enum class AddStatus { kAdded, kAlreadyKnown, kCollision };
  struct AddResult {
    AddStatus status;
    InstrumentId id;
    InstrumentKey existing;  // set on kCollision: the name that holds the id
  };

  AddResult add(Venue venue, std::string_view symbol);
  [[nodiscard]] std::optional<InstrumentKey> find(InstrumentId id) const;
  [[nodiscard]] std::size_t size() const;

  // Registers under an explicit id; only tests need this, to provoke a
  // collision that a 64-bit hash will not produce on demand.
  AddResult add_with_id(InstrumentId id, Venue venue, std::string_view symbol);

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<InstrumentId, InstrumentKey> by_id_;
};

}  // namespace rtm::msg
