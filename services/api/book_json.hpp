#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "rtm/store/hot_store.hpp"

namespace rtm::api {

// A book's top as the API gives it, by REST and on the WebSocket: status
// (live or stale), bids and asks as [price, size] strings best first.
boost::json::object book_json(const store::BookTop& top, const std::string& instrument);
// Its best level a side: the bbo channel's message.
boost::json::object bbo_json(const store::BookTop& top, const std::string& instrument);

}  // namespace rtm::api
