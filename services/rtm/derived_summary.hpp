#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "rtm/stream/derived_sink.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::cli {

// What rtm run shows of the stream side: per canonical symbol the best
// bid/offer across venues and the last final 1m bar, and how much was
// derived. Written by the stream thread, read by the summary: locked.
class DerivedSummary final : public stream::DerivedSink {
 public:
  void on_bar(const msg::Bar& bar) override;
  void on_nbbo(const msg::Nbbo& nbbo) override;
  void on_stats(const msg::Stats&) override;
  void on_alert(const msg::Alert&) override;

  // A table, a line per symbol, and a line of counts.
  [[nodiscard]] std::string table(const store::HotStore& store) const;

 private:
  mutable std::mutex mutex_;
  std::map<msg::InstrumentId, msg::Nbbo> nbbo_;
  std::map<msg::InstrumentId, msg::Bar> last_bar_;
  std::uint64_t bars_final_ = 0, nbbo_updates_ = 0, stats_ = 0, alerts_ = 0;
};

}  // namespace rtm::cli
