// The competitor in the WebSocket fan-out benchmark: a websocketpp broadcast
// server (Debian's libwebsocketpp-dev, on Boost.Asio; see
// websocketpp_broadcaster.cpp) sending the same messages to the same
// clients: each trade serialized once, into the text rtm's hub sends for
// it, and that one message shared by every connection's send. The
// protocol: fanout_common.hpp.
#include <boost/json/serialize.hpp>

#include "fanout_common.hpp"
#include "rtm/json/record_json.hpp"
#include "websocketpp_broadcaster.hpp"

int main() {
  using namespace rtm;
  bench::raise_descriptor_limit();
  bench::WebsocketppBroadcaster server;
  const std::string instrument = bench::kFanoutInstrument;
  const json::RecordJson to_json([&](msg::InstrumentId) { return instrument; });
  bench::serve_control(server.port(), [&](const msg::Trade& trade) {
    // The text rtm's hub sends for a trade: the record, its channel and the
    // send time.
    boost::json::object object = to_json.to_json(trade);
    object["channel"] = "trades";
    object["ts_send"] = bench::wall_ns();
    server.broadcast(boost::json::serialize(object));
  });
  return 0;
}
