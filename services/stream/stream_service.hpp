#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "derived_checkpoint.hpp"
#include "rtm/common/metrics.hpp"
#include "rtm/msg/transport.hpp"
#include "rtm/store/history_writer.hpp"
#include "rtm/store/hot_store.hpp"
#include "rtm/store/journal.hpp"
#include "rtm/stream/instrument_directory.hpp"
#include "rtm/stream/stream_processor.hpp"
#include "series_partitions.hpp"

namespace rtm::streamsvc {

struct StreamServiceOptions {
  stream::StreamOptions stream;
  // Where normalized records are journaled before they are processed; none:
  // no journal (nothing to recover on the next start).
  std::optional<store::JournalOptions> journal;
  bool skip_corrupt = false;  // recovery skips corrupt records (counted) instead of refusing to start
  // Where the recent past is kept for the API; none: not kept.
  store::HotStore* hot_store = nullptr;
  // Where the venue-to-rtm latency of trades (ts_recv - ts_event) is
  // observed, per venue; none: not measured.
  common::Metrics* metrics = nullptr;
  // Drop a record whose sequence is not above the last one processed for
  // its instrument: what a transport that redelivers (Kafka, after a
  // rebalance or a restart) needs to change nothing downstream. The journal
  // remembers the last sequences across restarts.
  bool deduplicate = false;
  // Whether bars, best bids/offers, statistics and alerts go to the hot
  // store as well as to `out`; rtm-api, which takes them from the derived
  // topic instead, keeps only trades, books and definitions from here.
  bool store_derived = true;
  // How many of the records sent to `out` its channel has acknowledged
  // (Kafka's delivery reports). With a journal and deduplicate, it keeps a
  // DerivedCheckpoint beside the journal, so that a restart publishes again
  // what was derived from records after it; none: a restart re-publishes
  // nothing (the in-process bus, which dies with its readers).
  std::function<std::uint64_t()> derived_acknowledged;
  // Where trades, bars and alerts are kept for good (PostgreSQL); none: not
  // kept. What is replayed from the journal is not written again, except
  // what the checkpoint does not cover.
  store::HistoryWriter* history = nullptr;
};

struct StreamServiceCounters {
  std::atomic<std::uint64_t> records{0};      // processed
  std::atomic<std::uint64_t> undecodable{0};  // refused by the codec: counted, not processed
  std::atomic<std::uint64_t> lost{0};         // the bus lapped us (never with back-pressure)
  std::atomic<std::uint64_t> journal_errors{0};
  std::atomic<std::uint64_t> duplicates{0};   // dropped by deduplication: already processed
  std::atomic<std::uint64_t> handed_over{0};  // processed to take a partition over, nothing published
};

// The stream side of rtm, on the bus: each normalized record is journaled,
// then processed (books, bars, best bid/offer, statistics, alerts); what
// that derives goes to `out` and, with the trades, definitions and latest
// books, to the hot store. Instruments are known by the definitions that
// precede their records; directory().set_canonical maps venue symbols to
// other canonical ones. On start, recover() replays the journal, so that the
// processor and the hot store are what they were for every record that
// reached the disk; what the replay derives is not sent to `out` again.
//
// On a transport with partitions (Kafka), each partition of the input has
// its own processor: its records make a deterministic stream of their own,
// with their own event time, and its state moves between the members of a
// group with the partition. A member publishes only what the partitions it
// owns derive. A partition it takes over is first handed the records the
// previous owner processed (on_handed_over): they rebuild its state, and
// what they derive was published by the previous owner, so it is not again.
// Records are keyed by canonical symbol, so a partition holds every venue of
// its symbols: cross-venue bars and best bids/offers stay whole.
class StreamService final : public msg::RecordHandler {
 public:
  StreamService(StreamServiceOptions options, stream::DerivedSink& out);
  ~StreamService() override;

  // Throws std::runtime_error when the journal cannot be read (a corrupt
  // record, unless skip_corrupt); returns what recovery found.
  store::RecoveryReport recover();

  void on_record(std::span<const std::byte> record) override;
  void on_handed_over(std::span<const std::byte> record) override;
  void on_partitions_assigned(std::span<const int> partitions) override;
  void on_partitions_revoked(std::span<const int> partitions) override;
  void on_partition(int partition) override;
  // Writes what the journal has buffered (no fsync): before the transport
  // commits the records handled so far. False when the write failed.
  bool flush_journal();
  // Writes the checkpoint now: at a clean stop, on the thread that read the
  // bus, after what was sent to `out` has been acknowledged (flushed).
  void write_checkpoint();
  void on_gap(std::uint64_t lost) override { counters_.lost += lost; }

  [[nodiscard]] const StreamServiceCounters& counters() const noexcept { return counters_; }
  // A partition's processor (the only one, 0, without partitions). On the
  // stream thread only.
  [[nodiscard]] const stream::StreamProcessor& processor(int partition = 0) {
    return partition_state(partition).processor;
  }
  // Records replayed from the journal whose derived records were published
  // again, because the checkpoint did not cover them.
  [[nodiscard]] std::uint64_t republished() const noexcept { return republished_; }
  // Configure before recover(); read on the stream thread only.
  [[nodiscard]] stream::InstrumentDirectory& directory() noexcept { return directory_; }

 private:
  // Passes derived records to the hot store, and on to `out` except while
  // the journal is replayed.
  class Fanout final : public stream::DerivedSink {
   public:
    Fanout(stream::DerivedSink& out, StreamService& service) : out_(out), service_(service) {}
    void on_bar(const msg::Bar& r) override;
    void on_nbbo(const msg::Nbbo& r) override;
    void on_stats(const msg::Stats& r) override;
    void on_alert(const msg::Alert& r) override;
    void on_definition(const msg::InstrumentDef& r) override;
    bool open = true;
    std::uint64_t sent = 0;  // records passed to `out`

   private:
    stream::DerivedSink& out_;
    StreamService& service_;
  };

  // What a partition of the input has built.
  struct PartitionState {
    PartitionState(const stream::StreamOptions& options, stream::SymbolResolver& symbols, stream::DerivedSink& out)
        : processor(options, symbols, out) {}
    stream::StreamProcessor processor;
    bool owned = true;  // what it derives is published
  };
  PartitionState& partition_state(int partition);
  // Journals and processes a record that is new to this service; `header`
  // is its header when read_header read it.
  void take(std::span<const std::byte> record, const msg::RecordHeader* header);
  // The record's header into `header` when something needs it and it is
  // readable; nullptr otherwise.
  const msg::RecordHeader* read_header(std::span<const std::byte> record, msg::RecordHeader& header) const;
  // Marks the partitions owned as the assignment says.
  void refresh_ownership();
  bool process(std::span<const std::byte> record);
  [[nodiscard]] store::HotStore* derived_store() const noexcept;
  // What each output has been sent, and what it has acknowledged.
  [[nodiscard]] OutputCounts outputs_sent() const;
  [[nodiscard]] OutputCounts outputs_acknowledged() const;
  // "venue:SYMBOL", or a composite's canonical symbol; made once per series.
  const std::string& series_name(const msg::RecordHeader& header);
  // False for a record already processed (deduplicate only); otherwise it
  // becomes its instrument's last sequence.
  bool first_time(const msg::RecordHeader& header);
  // A canonical symbol's first derived record: its definition goes out.
  void define_symbol(msg::InstrumentId composite);
  void store_book(const msg::RecordHeader& header);
  // Trades only, and not those replayed from the journal.
  void observe_latency(const msg::RecordHeader& header);

  StreamServiceOptions options_;
  stream::InstrumentDirectory directory_;
  Fanout fanout_;
  std::map<int, std::unique_ptr<PartitionState>> partitions_;
  PartitionState* current_ = nullptr;  // the partition of the records being processed
  int current_partition_ = 0;
  // Once the transport has said which partitions this service owns, those
  // it has not said are not owned.
  bool partitioned_ = false;
  std::set<int> assigned_;
  std::unique_ptr<SeriesPartitions> series_partitions_;  // with a journal
  std::unique_ptr<store::JournalWriter> journal_;
  StreamServiceCounters counters_;
  std::unique_ptr<DerivedCheckpoint> checkpoint_;
  std::uint32_t until_checkpoint_ = 0;
  std::uint64_t republished_ = 0;
  std::unordered_map<msg::InstrumentId, std::string> series_names_;
  std::unordered_set<msg::InstrumentId> symbols_stored_;
  std::unordered_set<msg::InstrumentId> symbols_defined_;  // since the journal was replayed
  std::unordered_map<msg::InstrumentId, std::uint64_t> last_sequence_;
  std::array<common::Histogram*, 4> venue_latency_{};  // by venue id, made on first use
  // A book's top on its way to the hot store.
  std::vector<book::PriceLevel> levels_;
  std::vector<store::BookLevel> bids_, asks_;
};

}  // namespace rtm::streamsvc
