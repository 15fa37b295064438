#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "rtm/msg/transport.hpp"
#include "rtm/store/journal.hpp"
#include "rtm/stream/stream_processor.hpp"

namespace rtm::streamsvc {

// Canonical symbols for a known list of instruments: each canonical symbol
// (BTC-USD) on each venue, under the venue's own symbol (BTCUSDT, BTC-USD,
// BTC/USD), so that the stream side needs no catalog.
class ConfiguredSymbols final : public stream::SymbolResolver {
 public:
  void add(msg::Venue venue, std::string_view venue_symbol, std::string canonical) {
    by_id_[msg::make_instrument_id(venue, venue_symbol)] = std::move(canonical);
  }
  std::optional<std::string> canonical(msg::InstrumentId instrument) override {
    const auto found = by_id_.find(instrument);
    if (found == by_id_.end()) return std::nullopt;
    return found->second;
  }

 private:
  std::map<msg::InstrumentId, std::string> by_id_;
};

struct StreamServiceOptions {
  stream::StreamOptions stream;
  // Where normalized records are journaled before they are processed; none:
  // no journal (nothing to recover on the next start).
  std::optional<store::JournalOptions> journal;
  bool skip_corrupt = false;  // recovery skips corrupt records (counted) instead of refusing to start
};

struct StreamServiceCounters {
  std::atomic<std::uint64_t> records{0};      // processed
  std::atomic<std::uint64_t> undecodable{0};  // refused by the codec: counted, not processed
  std::atomic<std::uint64_t> lost{0};         // the bus lapped us (never with back-pressure)
  std::atomic<std::uint64_t> journal_errors{0};
};

// The stream side of rtm, on the bus: each normalized record is journaled,
// then processed (books, bars, best bid/offer, statistics, alerts), and
// what that derives goes to `out`. On start, recover() replays the journal
// into the processor, so that its state is what it was for every record
// that reached the disk; what the replay derives is not sent again.
class StreamService final : public msg::RecordHandler {
 public:
  StreamService(StreamServiceOptions options, stream::SymbolResolver& symbols, stream::DerivedSink& out);
  ~StreamService() override;

  // Throws std::runtime_error when the journal cannot be read (a corrupt
  // record, unless skip_corrupt); returns what recovery found.
  store::RecoveryReport recover();

  void on_record(std::span<const std::byte> record) override;
  void on_gap(std::uint64_t lost) override { counters_.lost += lost; }

  [[nodiscard]] const StreamServiceCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const stream::StreamProcessor& processor() const noexcept { return processor_; }

 private:
  // Passes derived records on, except while the journal is replayed.
  class Gate final : public stream::DerivedSink {
   public:
    explicit Gate(stream::DerivedSink& out) : out_(out) {}
    void on_bar(const msg::Bar& r) override {
      if (open) out_.on_bar(r);
    }
    void on_nbbo(const msg::Nbbo& r) override {
      if (open) out_.on_nbbo(r);
    }
    void on_stats(const msg::Stats& r) override {
      if (open) out_.on_stats(r);
    }
    void on_alert(const msg::Alert& r) override {
      if (open) out_.on_alert(r);
    }
    bool open = true;

   private:
    stream::DerivedSink& out_;
  };

  bool process(std::span<const std::byte> record);

  StreamServiceOptions options_;
  Gate gate_;
  stream::StreamProcessor processor_;
  std::unique_ptr<store::JournalWriter> journal_;
  StreamServiceCounters counters_;
};

}  // namespace rtm::streamsvc
