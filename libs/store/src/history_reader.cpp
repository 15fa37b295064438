#include "rtm/store/history_reader.hpp"

#include <pqxx/pqxx>

#include <mutex>

#include "rtm/msg/decimal.hpp"
#include "rtm/msg/ids.hpp"

namespace rtm::store {
namespace {

// A numeric column's text as mantissa and scale (the scale it was written at).
msg::Decimal decimal_of(const pqxx::field& field) {
  const msg::DecimalResult parsed = msg::parse_decimal(field.c_str());
  if (!parsed.ok()) throw HistoryUnavailable(std::string("history: not a decimal: ") + field.c_str());
  return parsed.value;
}

msg::Aggressor side_of(std::string_view side) {
  return side == "buy" ? msg::Aggressor::kBuy : side == "sell" ? msg::Aggressor::kSell : msg::Aggressor::kUnknown;
}

msg::Venue venue_of(std::string_view instrument) {
  return msg::parse_venue(instrument.substr(0, instrument.find(':'))).value_or(msg::Venue::kUnknown);
}

}  // namespace

struct HistoryReader::Impl {
  std::string database;
  std::mutex mutex;
  std::unique_ptr<pqxx::connection> connection;

  template <class Query>
  auto run(Query&& query) {
    std::lock_guard lock(mutex);
    // One retry: the first attempt may find a connection the server has
    // since closed.
    for (int attempt = 0;; ++attempt) {
      try {
        if (!connection || !connection->is_open()) connection = std::make_unique<pqxx::connection>(database);
        pqxx::read_transaction read(*connection);
        return query(read);
      } catch (const pqxx::broken_connection& error) {
        connection.reset();
        if (attempt >= 1) throw HistoryUnavailable(std::string("history: ") + error.what());
      } catch (const pqxx::sql_error& error) {
        throw HistoryUnavailable(std::string("history: ") + error.what());
      }
    }
  }
};

HistoryReader::HistoryReader(std::string database) : impl_(std::make_unique<Impl>()) {
  impl_->database = std::move(database);
}

HistoryReader::~HistoryReader() = default;

std::vector<msg::Trade> HistoryReader::trades(const TradeRange& range) {
  // Positions compare as (ts_event, seq); an absent bound is one no trade passes.
  const TradePosition after = range.after.value_or(TradePosition{INT64_MIN, 0});
  const TradePosition before = range.before.value_or(TradePosition{INT64_MAX, UINT64_MAX});
  const std::string order = range.newest_first ? "DESC" : "ASC";
  const pqxx::result rows = impl_->run([&](pqxx::read_transaction& read) {
    return read.exec_params(
        "SELECT ts_event, instrument_id, seq, price, size, side, trade_id, ts_recv FROM trades "
        "WHERE instrument = $1 AND ts_event >= $2 AND ts_event < $3 AND (ts_event, seq) > ($4, $5) "
        "AND (ts_event, seq) < ($6, $7) ORDER BY ts_event " + order + ", seq " + order + " LIMIT $8",
        std::string(range.instrument), range.from, range.to, after.ts_event, static_cast<std::int64_t>(after.sequence),
        before.ts_event, static_cast<std::int64_t>(before.sequence), static_cast<std::int64_t>(range.limit));
  });
  std::vector<msg::Trade> out;
  out.reserve(rows.size());
  const msg::Venue venue = venue_of(range.instrument);
  for (const auto& row : rows) {
    msg::Trade t;
    t.header.venue = venue;
    t.header.ts_event = row[0].as<std::int64_t>();
    t.header.instrument_id = static_cast<msg::InstrumentId>(row[1].as<std::int64_t>());
    t.header.sequence = static_cast<std::uint64_t>(row[2].as<std::int64_t>());
    const msg::Decimal price = decimal_of(row[3]);
    const msg::Decimal size = decimal_of(row[4]);
    t.price = price.mantissa;
    t.price_scale = price.scale;
    t.size = size.mantissa;
    t.size_scale = size.scale;
    t.aggressor = side_of(row[5].c_str());
    t.trade_id = static_cast<std::uint64_t>(row[6].as<std::int64_t>());
    t.header.ts_recv = row[7].as<std::int64_t>();
    out.push_back(t);
  }
  return out;
}

std::vector<msg::Bar> HistoryReader::bars(std::string_view series, msg::InstrumentId id, msg::Venue venue,
                                          std::int64_t interval_ns, std::int64_t from, std::int64_t to,
                                          std::int64_t before_start, std::size_t limit) {
  const pqxx::result rows = impl_->run([&](pqxx::read_transaction& read) {
    return read.exec_params(
        "SELECT start_ns, open, high, low, close, volume, vwap, trades, buy_volume, sell_volume, final, revision, "
        "ts_event, ts_recv FROM bars WHERE series = $1 AND interval_ns = $2 AND start_ns >= $3 AND start_ns < $4 "
        "AND start_ns < $5 ORDER BY start_ns DESC LIMIT $6",
        std::string(series), interval_ns, from, to, before_start, static_cast<std::int64_t>(limit));
  });
  std::vector<msg::Bar> out;
  out.reserve(rows.size());
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
    msg::Bar b;
    b.header.venue = venue;
    b.header.instrument_id = id;
    b.header.ts_event = (*row)[12].as<std::int64_t>();
    b.header.ts_recv = (*row)[13].as<std::int64_t>();
    b.header.flags = (*row)[10].as<bool>() ? msg::flags::kFinal : 0;
    b.start_ns = (*row)[0].as<std::int64_t>();
    b.interval_ns = interval_ns;
    const msg::Decimal open = decimal_of((*row)[1]);
    const msg::Decimal volume = decimal_of((*row)[5]);
    b.price_scale = open.scale;
    b.size_scale = volume.scale;
    // Every price of a bar was written at its price scale, every size at its size scale.
    b.open = open.mantissa;
    b.high = decimal_of((*row)[2]).mantissa;
    b.low = decimal_of((*row)[3]).mantissa;
    b.close = decimal_of((*row)[4]).mantissa;
    b.volume = volume.mantissa;
    b.vwap = decimal_of((*row)[6]).mantissa;
    b.trade_count = static_cast<std::uint64_t>((*row)[7].as<std::int64_t>());
    b.buy_volume = decimal_of((*row)[8]).mantissa;
    b.sell_volume = decimal_of((*row)[9]).mantissa;
    b.revision = static_cast<std::uint16_t>((*row)[11].as<int>());
    out.push_back(b);
  }
  return out;
}

}  // namespace rtm::store
