#pragma once

#include <string>
#include <string_view>

#include "rtm/msg/records.hpp"

// Records as the text lines the history spool holds and the writer sends:
// a type letter, then the table's columns, tab-separated (PostgreSQL's COPY
// text format once the letter is cut).
namespace rtm::store::detail {

constexpr char kTradeRow = 'T';
constexpr char kBarRow = 'B';
constexpr char kAlertRow = 'A';

void append_trade_row(std::string& out, const msg::Trade& trade, std::string_view instrument);
void append_bar_row(std::string& out, const msg::Bar& bar, std::string_view series);
void append_alert_row(std::string& out, const msg::Alert& alert, std::string_view subject);

}  // namespace rtm::store::detail
