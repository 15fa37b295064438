#include "rtm/net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "event_loop_impl.hpp"
#include "rtm/net/errc.hpp"
#include "rtm/net/url.hpp"
#include "tls.hpp"

namespace rtm::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using boost::system::error_code;

namespace {

constexpr auto kAwait = asio::use_awaitable;

template <class Stream>
awaitable<HttpClientResponse> exchange(Stream& stream, const Url& url, std::size_t body_limit) {
  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.authority());
  request.set(http::field::user_agent, "rtm");
  request.set(http::field::accept, "application/json");
  error_code ec;
  co_await http::async_write(stream, request, asio::redirect_error(kAwait, ec));
  HttpClientResponse response;
  if (ec) {
    response.error = ec;
    co_return response;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
  if (ec) {
    response.error = ec;
    co_return response;
  }
  response.status = parser.get().result_int();
  response.body = std::move(parser.get().body());
  if (response.status != 200) response.error = errc::http_status;
  co_return response;
}

}  // namespace

struct HttpClient::Impl {
  Impl(asio::io_context& context, HttpClientOptions opts)
      : io(context), options(std::move(opts)), tls(detail::make_tls_context(options.tls)) {}

  static awaitable<void> get(std::shared_ptr<Impl> self, std::string text, Done done) {
    HttpClientResponse response = co_await self->fetch(text);
    done(std::move(response));
  }

  awaitable<HttpClientResponse> fetch(const std::string& text) {
    HttpClientResponse failed;
    const std::optional<Url> url = parse_url(text);
    if (!url || url->websocket) {
      failed.error = errc::bad_url;
      co_return failed;
    }
    error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints =
        co_await resolver.async_resolve(url->host, std::to_string(url->port), asio::redirect_error(kAwait, ec));
    if (ec) {
      failed.error = ec;
      co_return failed;
    }
    if (!url->tls) {
      beast::tcp_stream stream(io);
      stream.expires_after(options.timeout);
      co_await stream.async_connect(endpoints, asio::redirect_error(kAwait, ec));
      if (ec) {
        failed.error = ec;
        co_return failed;
      }
      co_return co_await exchange(stream, *url, options.body_limit);
    }
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::redirect_error(kAwait, ec));
    if (!ec && !detail::expect_server(stream, url->host, options.tls.verify_peer)) {
      ec = error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    }
    if (!ec) co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(kAwait, ec));
    if (ec) {
      failed.error = ec;
      co_return failed;
    }
    HttpClientResponse response = co_await exchange(stream, *url, options.body_limit);
    // Servers often drop TLS without a close_notify; the response is whole.
    co_await stream.async_shutdown(asio::redirect_error(kAwait, ec));
    co_return response;
  }

  asio::io_context& io;
  HttpClientOptions options;
  ssl::context tls;
};

HttpClient::HttpClient(EventLoop& loop, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(loop.impl().context, std::move(options))) {}

HttpClient::~HttpClient() = default;

void HttpClient::get(std::string url, Done done) {
  asio::co_spawn(impl_->io, Impl::get(impl_, std::move(url), std::move(done)), asio::detached);
}

}  // namespace rtm::net
