#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "rtm/json/json_writer.hpp"
#include "rtm/msg/records.hpp"

namespace rtm::json {

// Derived records as the JSON lines rtm aggregate prints: decimals as exact
// strings; composite records (venue "composite") name their canonical symbol
// as `symbol`, venue records their "venue:SYMBOL" as `instrument`.
// `storage`: where the object's memory comes from (a response's
// monotonic_resource, so that a hundred bars cost a few allocations).
boost::json::object bar_json(const msg::Bar& bar, const std::string& name, boost::json::storage_ptr storage = {});
// The same text as serializing bar_json, written straight into `out`: for
// pages of bars, where building the objects would cost more than writing.
void write_bar(JsonWriter& out, const msg::Bar& bar, std::string_view name);
boost::json::object nbbo_json(const msg::Nbbo& nbbo, const std::string& symbol);
boost::json::object stats_json(const msg::Stats& stats, const std::string& instrument);
// `name`: the instrument ("venue:SYMBOL"), or for a composite the symbol.
boost::json::object alert_json(const msg::Alert& alert, const std::string& name);

}  // namespace rtm::json
