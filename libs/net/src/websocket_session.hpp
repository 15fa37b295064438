#pragma once

// A WebSocket connection upgraded from the HTTP server's session. Private
// to libs/net.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <list>

#include "rtm/net/http_server.hpp"
#include "rtm/net/websocket_server.hpp"

namespace rtm::net::detail {

struct WebSocketRoute {
  std::string path;
  WebSocketServerOptions options;
  WebSocketAcceptor acceptor;
};

// Completes the upgrade of `request` on `stream`, then reads and writes
// until the connection ends. `open_sockets` is the server's list of its
// connections' streams (for stopping): the connection's own is kept in it
// while it lives.
boost::asio::awaitable<void> run_websocket(boost::beast::tcp_stream stream,
                                           boost::beast::http::request<boost::beast::http::string_body> request,
                                           const HttpRequest& ours, const WebSocketRoute& route,
                                           std::list<boost::beast::tcp_stream*>& open_sockets,
                                           HttpServerCounters& counters);

}  // namespace rtm::net::detail
