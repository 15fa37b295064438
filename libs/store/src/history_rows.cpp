#include "history_rows.hpp"

#include <charconv>
#include <cstdint>

#include "rtm/msg/decimal.hpp"

namespace rtm::store::detail {
namespace {

void field(std::string& out, std::int64_t value) {
  char text[24];
  out.append(text, std::to_chars(text, text + sizeof(text), value).ptr);
  out.push_back('\t');
}

// Ids and sequences are unsigned 64-bit; the columns are bigint, so they are
// stored as the signed integer with the same bits.
void field_u64(std::string& out, std::uint64_t value) { field(out, static_cast<std::int64_t>(value)); }

void field(std::string& out, double value) {
  char text[32];
  out.append(text, std::to_chars(text, text + sizeof(text), value).ptr);
  out.push_back('\t');
}

void field(std::string& out, std::string_view text) {
  // Names never hold tabs, newlines or backslashes (venue symbols and
  // canonical symbols); anything else is replaced rather than let it break
  // the line.
  for (const char c : text) out.push_back(c == '\t' || c == '\n' || c == '\\' || c == '\r' ? '_' : c);
  out.push_back('\t');
}

void decimal(std::string& out, std::int64_t mantissa, std::uint8_t scale) {
  char text[48];
  out.append(text, msg::format_decimal({mantissa, scale}, text));  // kMaxDecimalChars fits
  out.push_back('\t');
}

void end_row(std::string& out) { out.back() = '\n'; }

}  // namespace

void append_trade_row(std::string& out, const msg::Trade& t, std::string_view instrument) {
  out.push_back(kTradeRow);
  out.push_back('\t');
  field(out, t.header.ts_event);
  field(out, instrument);
  field_u64(out, t.header.instrument_id);
  field_u64(out, t.header.sequence);
  decimal(out, t.price, t.price_scale);
  decimal(out, t.size, t.size_scale);
  field(out, t.aggressor == msg::Aggressor::kBuy    ? std::string_view("buy")
             : t.aggressor == msg::Aggressor::kSell ? std::string_view("sell")
                                                    : std::string_view("unknown"));
  field_u64(out, t.trade_id);
  field(out, t.header.ts_recv);
  end_row(out);
}

void append_bar_row(std::string& out, const msg::Bar& b, std::string_view series) {
  out.push_back(kBarRow);
  out.push_back('\t');
  field(out, series);
  field(out, b.interval_ns);
  field(out, b.start_ns);
  decimal(out, b.open, b.price_scale);
  decimal(out, b.high, b.price_scale);
  decimal(out, b.low, b.price_scale);
  decimal(out, b.close, b.price_scale);
  decimal(out, b.volume, b.size_scale);
  decimal(out, b.vwap, b.price_scale);
  field_u64(out, b.trade_count);
  decimal(out, b.buy_volume, b.size_scale);
  decimal(out, b.sell_volume, b.size_scale);
  field(out, (b.header.flags & msg::flags::kFinal) != 0 ? std::string_view("t") : std::string_view("f"));
  field(out, static_cast<std::int64_t>(b.revision));
  field(out, b.header.ts_event);
  field(out, b.header.ts_recv);
  end_row(out);
}

void append_alert_row(std::string& out, const msg::Alert& a, std::string_view subject) {
  out.push_back(kAlertRow);
  out.push_back('\t');
  field(out, a.header.ts_event);
  field(out, subject);
  field(out, a.rule_name.view().empty() ? msg::to_string(a.rule) : a.rule_name.view());
  field(out, msg::to_string(a.severity));
  field(out, a.observed);
  field(out, a.threshold);
  field(out, a.header.ts_recv);
  end_row(out);
}

}  // namespace rtm::store::detail
