#pragma once
// A websocketpp broadcast server behind a plain interface. websocketpp 0.8
// does not compile as C++20, so it lives in a C++17 translation unit of its
// own (websocketpp_broadcaster.cpp) and this header names none of its types.
#include <memory>
#include <string>

namespace rtm::bench {

class WebsocketppBroadcaster {
 public:
  // Listens on 127.0.0.1, on a free port; serves on a thread of its own.
  WebsocketppBroadcaster();
  ~WebsocketppBroadcaster();
  WebsocketppBroadcaster(const WebsocketppBroadcaster&) = delete;
  WebsocketppBroadcaster& operator=(const WebsocketppBroadcaster&) = delete;

  [[nodiscard]] unsigned port() const;
  // Sends `text` to every open connection: one message, shared by all.
  void broadcast(const std::string& text);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::bench
