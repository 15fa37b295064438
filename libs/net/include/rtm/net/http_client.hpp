#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "rtm/net/event_loop.hpp"
#include "rtm/net/tls_options.hpp"

namespace rtm::net {

struct HttpClientResponse {
  std::error_code error;  // set when no response arrived, or its status was not 200
  unsigned status = 0;
  std::string body;
};

struct HttpClientOptions {
  TlsOptions tls;
  std::chrono::milliseconds timeout{10'000};  // for the whole request
  std::size_t body_limit = 32U << 20;
};

// GET requests over http:// or https:// (TLS with SNI and certificate
// verification): one connection per request, which is all a REST snapshot
// now and then needs. Completion handlers run on the EventLoop's thread.
class HttpClient {
 public:
  using Done = std::function<void(HttpClientResponse)>;

  // Throws boost::system::system_error for an unreadable CA file.
  HttpClient(EventLoop& loop, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Safe from any thread; `done` is called exactly once.
  void get(std::string url, Done done);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtm::net
