#include "rtm/store/history_writer.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <charconv>
#include <atomic>
#include <limits>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "history_rows.hpp"
#include "history_spool.hpp"

namespace rtm::store {
namespace {

constexpr std::int64_t kDayNs = 86'400'000'000'000;
constexpr const char* kTradeColumns[] = {"ts_event", "instrument", "instrument_id", "seq", "price",
                                         "size",     "side",       "trade_id",      "ts_recv"};

// A batch's lines, split by table (the letter cut). Trades, by far the
// most, stay views of their lines, split into fields only as they are
// copied; bars and alerts are split at once.
struct BatchRows {
  std::vector<std::string_view> trades;
  std::vector<std::vector<std::string>> bars, alerts;
  std::size_t malformed = 0;  // lines of a damaged spool file
};

constexpr std::size_t kTradeFields = 9, kBarFields = 16, kAlertFields = 7;

BatchRows split(const std::string& text) {
  BatchRows rows;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.size() < 2) continue;
    const std::string_view row = line.substr(2);
    if (line[0] == detail::kTradeRow) {
      if (static_cast<std::size_t>(std::count(row.begin(), row.end(), '\t')) == kTradeFields - 1) {
        rows.trades.push_back(row);
      } else {
        ++rows.malformed;
      }
      continue;
    }
    std::vector<std::string> fields;
    std::size_t from = 0;
    while (from <= row.size()) {
      std::size_t tab = row.find('\t', from);
      if (tab == std::string_view::npos) tab = row.size();
      fields.emplace_back(row.substr(from, tab - from));
      from = tab + 1;
    }
    if (line[0] == detail::kBarRow && fields.size() == kBarFields) {
      rows.bars.push_back(std::move(fields));
    } else if (line[0] == detail::kAlertRow && fields.size() == kAlertFields) {
      rows.alerts.push_back(std::move(fields));
    } else {
      ++rows.malformed;
    }
  }
  return rows;
}

std::string utc_date(std::int64_t day_start_ns) {
  const std::time_t seconds = day_start_ns / 1'000'000'000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm);
  return text;
}

std::int64_t day_of(std::int64_t ts_ns) {
  return (ts_ns >= 0 ? ts_ns / kDayNs : (ts_ns - kDayNs + 1) / kDayNs) * kDayNs;
}

}  // namespace

struct HistoryWriter::Impl {
  HistoryWriterOptions options;
  HistoryWriterCounters counters;
  detail::HistorySpool spool;
  std::unique_ptr<pqxx::connection> connection;
  std::set<std::int64_t> days_with_partitions;
  std::string line;  // formatting buffer, reused
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  // Set when stopping: the writer gives up retrying at this time.
  std::atomic<std::int64_t> give_up_at{std::numeric_limits<std::int64_t>::max()};
  std::thread thread;

  explicit Impl(HistoryWriterOptions opts) : options(std::move(opts)), spool(options, counters) {
    thread = std::thread([this] { run(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
      give_up_at = (std::chrono::steady_clock::now() + std::chrono::seconds(5)).time_since_epoch().count();
    }
    wake.notify_all();
    thread.join();
  }

  void queue(std::string_view row) {
    spool.append(row);
    counters.accepted.fetch_add(1, std::memory_order_relaxed);
    if (spool.has_sealed()) wake.notify_one();
  }

  [[nodiscard]] bool past(std::chrono::steady_clock::time_point when) const {
    return when.time_since_epoch().count() > give_up_at.load();
  }

  void run() {
    auto backoff = options.retry_min;
    for (;;) {
      bool stop = false;
      {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, options.batch_delay, [&] { return stopping || spool.has_sealed(); });
        stop = stopping;
      }
      // A batch older than batch_delay goes as it is.
      if (!spool.seal()) {
        if (stop) break;
        continue;
      }
      while (auto batch = spool.take()) {
        if (write_with_retries(*batch, backoff)) {
          spool.done(*batch);
        } else {
          spool.give_back(std::move(*batch));
          break;
        }
      }
      if (stop && (past(std::chrono::steady_clock::now()) || !spool.has_sealed())) break;
    }
    spool.spill_all();
  }

  // False when it gave up (stopping, and its deadline passed): the batch
  // stays spooled.
  bool write_with_retries(const detail::HistorySpool::Batch& batch, std::chrono::milliseconds& backoff) {
    int refusals = 0;
    for (;;) {
      try {
        if (!connection || !connection->is_open()) connect();
        const std::size_t written = write(batch);
        backoff = options.retry_min;
        counters.written.fetch_add(written, std::memory_order_relaxed);
        counters.batches.fetch_add(1, std::memory_order_relaxed);
        return true;
      } catch (const pqxx::broken_connection& error) {
        lost_connection(error.what());
      } catch (const pqxx::in_doubt_error& error) {
        lost_connection(error.what());  // written again: idempotent
      } catch (const pqxx::sql_error& error) {
        // The database refused the batch itself (not the connection).
        counters.failures.fetch_add(1, std::memory_order_relaxed);
        if (++refusals >= 3) {
          counters.rejected.fetch_add(batch.rows, std::memory_order_relaxed);
          std::fprintf(stderr, "history: %zu rows refused three times, not retried: %s\n", batch.rows, error.what());
          return true;
        }
      } catch (const std::exception& error) {
        lost_connection(error.what());
      }
      if (past(std::chrono::steady_clock::now() + backoff)) return false;
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, options.retry_max);
    }
  }

  void lost_connection(const char* why) {
    // Once when it goes away, then every hundredth attempt.
    if (counters.failures.fetch_add(1, std::memory_order_relaxed) % 100 == 0 || counters.connected) {
      std::fprintf(stderr, "history: the database is unavailable (%s); rows are spooled\n", why);
    }
    counters.connected = false;
    connection.reset();
  }

  void connect() {
    connection = std::make_unique<pqxx::connection>(options.database);
    connection->prepare("upsert_bar",
                        "INSERT INTO bars (series, interval_ns, start_ns, open, high, low, close, volume, vwap, trades, "
                        "buy_volume, sell_volume, final, revision, ts_event, ts_recv) VALUES "
                        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
                        "ON CONFLICT (series, interval_ns, start_ns) DO UPDATE SET open = excluded.open, "
                        "high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume, "
                        "vwap = excluded.vwap, trades = excluded.trades, buy_volume = excluded.buy_volume, "
                        "sell_volume = excluded.sell_volume, final = excluded.final, revision = excluded.revision, "
                        "ts_event = excluded.ts_event, ts_recv = excluded.ts_recv "
                        // An open bar never replaces a final one, nor a revision a later one.
                        "WHERE (excluded.final, excluded.revision, excluded.trades) >= "
                        "(bars.final, bars.revision, bars.trades)");
    connection->prepare("insert_alert",
                        "INSERT INTO alerts (ts_event, subject, rule, severity, observed, threshold, ts_recv) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING");
    days_with_partitions.clear();
    counters.connected = true;
  }

  // Returns the rows written (the well-formed ones).
  std::size_t write(const detail::HistorySpool::Batch& batch) {
    const BatchRows rows = split(batch.text);
    if (rows.malformed > 0) {
      counters.rejected.fetch_add(rows.malformed, std::memory_order_relaxed);
      std::fprintf(stderr, "history: %zu malformed rows skipped (a damaged spool file?)\n", rows.malformed);
    }
    pqxx::work transaction(*connection, "history batch");
    if (!rows.trades.empty()) write_trades(transaction, rows.trades);
    for (const auto& bar : rows.bars) {
      transaction.exec_prepared("upsert_bar", bar[0], bar[1], bar[2], bar[3], bar[4], bar[5], bar[6], bar[7], bar[8],
                                bar[9], bar[10], bar[11], bar[12], bar[13], bar[14], bar[15]);
    }
    for (const auto& alert : rows.alerts) {
      transaction.exec_prepared("insert_alert", alert[0], alert[1], alert[2], alert[3], alert[4], alert[5], alert[6]);
    }
    transaction.commit();
    counters.trades.fetch_add(rows.trades.size(), std::memory_order_relaxed);
    return rows.trades.size() + rows.bars.size() + rows.alerts.size();
  }

  // COPY straight into trades; if some rows are there already (a batch
  // written again after its commit was lost), through a staging table
  // whose rows are added only where absent.
  void write_trades(pqxx::work& transaction, const std::vector<std::string_view>& trades) {
    ensure_partitions(transaction, trades);
    try {
      pqxx::subtransaction direct(transaction, "copy trades");
      copy(direct, "trades", trades);
      direct.commit();
      return;
    } catch (const pqxx::unique_violation&) {
      // Rolled back to before the COPY.
    }
    transaction.exec("CREATE TEMP TABLE IF NOT EXISTS trades_staging (LIKE trades) ON COMMIT DELETE ROWS");
    copy(transaction, "trades_staging", trades);
    transaction.exec("INSERT INTO trades SELECT * FROM trades_staging ON CONFLICT DO NOTHING");
  }

  static void copy(pqxx::transaction_base& transaction, const std::string& table,
                   const std::vector<std::string_view>& rows) {
    pqxx::stream_to stream(transaction, table, std::begin(kTradeColumns), std::end(kTradeColumns));
    // The fields of each row in turn, in strings that keep their capacity.
    std::array<std::string, kTradeFields> f;
    for (const std::string_view row : rows) {
      std::size_t from = 0;
      for (std::string& field : f) {
        const std::size_t tab = std::min(row.find('\t', from), row.size());
        field.assign(row.data() + from, tab - from);
        from = tab + 1;
      }
      stream << std::tie(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
    }
    stream.complete();
  }

  void ensure_partitions(pqxx::work& transaction, const std::vector<std::string_view>& trades) {
    std::set<std::int64_t> days;
    for (const std::string_view trade : trades) {
      std::int64_t ts_event = 0;
      std::from_chars(trade.data(), trade.data() + trade.size(), ts_event);  // the first field
      days.insert(day_of(ts_event));
    }
    for (const std::int64_t day : days) {
      if (days_with_partitions.count(day) != 0) continue;
      transaction.exec_params("SELECT rtm_create_trade_partitions($1::date, $2)", utc_date(day),
                              options.partition_days_ahead + 1);
      for (int ahead = 0; ahead <= options.partition_days_ahead; ++ahead) days_with_partitions.insert(day + ahead * kDayNs);
    }
  }
};

HistoryWriter::HistoryWriter(HistoryWriterOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HistoryWriter::~HistoryWriter() = default;

void HistoryWriter::add_trade(const msg::Trade& trade, std::string_view instrument) {
  impl_->line.clear();
  detail::append_trade_row(impl_->line, trade, instrument);
  impl_->queue(impl_->line);
}

void HistoryWriter::add_bar(const msg::Bar& bar, std::string_view series) {
  impl_->line.clear();
  detail::append_bar_row(impl_->line, bar, series);
  impl_->queue(impl_->line);
}

void HistoryWriter::add_alert(const msg::Alert& alert, std::string_view subject) {
  impl_->line.clear();
  detail::append_alert_row(impl_->line, alert, subject);
  impl_->queue(impl_->line);
}

bool HistoryWriter::flush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::uint64_t target = impl_->counters.accepted.load();
  impl_->wake.notify_one();
  while (impl_->counters.written.load() + impl_->counters.rejected.load() + impl_->counters.dropped.load() < target) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    impl_->wake.notify_one();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

const HistoryWriterCounters& HistoryWriter::counters() const noexcept { return impl_->counters; }

}  // namespace rtm::store
