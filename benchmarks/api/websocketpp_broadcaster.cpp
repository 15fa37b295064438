// The websocketpp broadcast server, as websocketpp's own broadcast example
// writes one: connections kept in a set, each message sent to all of them
// from the sending thread. A subscribe op gets the "subscribed" reply the
// load generator waits for.
#include "websocketpp_broadcaster.hpp"

#include <mutex>
#include <set>
#include <thread>

#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

namespace rtm::bench {
namespace {

using Server = websocketpp::server<websocketpp::config::asio>;
using Handle = websocketpp::connection_hdl;
using Message = websocketpp::config::asio::message_type;

}  // namespace

struct WebsocketppBroadcaster::Impl {
  Server server;
  std::mutex mutex;
  std::set<Handle, std::owner_less<Handle>> connections;
  unsigned port = 0;
  std::thread io;
};

WebsocketppBroadcaster::WebsocketppBroadcaster() : impl_(std::make_unique<Impl>()) {
  Impl& self = *impl_;
  Server& server = self.server;
  server.clear_access_channels(websocketpp::log::alevel::all);
  server.clear_error_channels(websocketpp::log::elevel::all);
  server.init_asio();
  server.set_reuse_addr(true);
  server.set_listen_backlog(4096);
  server.set_open_handler([&self](Handle handle) {
    std::lock_guard<std::mutex> lock(self.mutex);
    self.connections.insert(handle);
  });
  server.set_close_handler([&self](Handle handle) {
    std::lock_guard<std::mutex> lock(self.mutex);
    self.connections.erase(handle);
  });
  server.set_message_handler([&self](Handle handle, Server::message_ptr message) {
    if (message->get_payload().find("\"subscribe\"") == std::string::npos) return;
    websocketpp::lib::error_code ignored;
    self.server.send(handle, R"({"type":"subscribed","channel":"trades","instrument":"binance:BTCUSDT"})",
                     websocketpp::frame::opcode::text, ignored);
  });
  server.listen(websocketpp::lib::asio::ip::tcp::endpoint(websocketpp::lib::asio::ip::make_address("127.0.0.1"), 0));
  server.start_accept();
  websocketpp::lib::asio::error_code ec;
  self.port = server.get_local_endpoint(ec).port();
  self.io = std::thread([&server] { server.run(); });
}

WebsocketppBroadcaster::~WebsocketppBroadcaster() {
  Impl& self = *impl_;
  websocketpp::lib::error_code ignored;
  self.server.stop_listening(ignored);
  {
    std::lock_guard<std::mutex> lock(self.mutex);
    for (const Handle& handle : self.connections) {
      self.server.close(handle, websocketpp::close::status::going_away, "", ignored);
    }
  }
  self.server.stop();
  self.io.join();
}

unsigned WebsocketppBroadcaster::port() const {
  return impl_->port;
}

void WebsocketppBroadcaster::broadcast(const std::string& text) {
  auto shared = std::make_shared<Message>(Message::con_msg_man_ptr(), websocketpp::frame::opcode::text, text.size());
  shared->set_payload(text);
  std::lock_guard<std::mutex> lock(impl_->mutex);
  for (const Handle& handle : impl_->connections) {
    websocketpp::lib::error_code ignored;
    impl_->server.send(handle, shared, ignored);
  }
}

}  // namespace rtm::bench
