#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "rtm/msg/transport.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::cli {

// What rtm run shows of the stream side, read from the bus's derived
// channel as any consumer would: per canonical symbol the best bid/offer
// across venues and the last final 1m bar, and how much was derived.
// Written by its subscription's thread, read by the summary: locked.
class DerivedSummary final : public msg::RecordHandler {
 public:
  void on_record(std::span<const std::byte> record) override;
  void on_gap(std::uint64_t lost) override;

  // Records delivered or reported lost.
  [[nodiscard]] std::uint64_t seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // A table, a line per symbol, and a line of counts.
  [[nodiscard]] std::string table(const store::HotStore& store) const;

 private:
  mutable std::mutex mutex_;
  std::map<msg::InstrumentId, msg::Nbbo> nbbo_;
  std::map<msg::InstrumentId, msg::Bar> last_bar_;
  std::uint64_t bars_final_ = 0, nbbo_updates_ = 0, stats_ = 0, alerts_ = 0, lost_ = 0, seen_ = 0;
};

}  // namespace rtm::cli
