#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "api_keys.hpp"
#include "bar_text_cache.hpp"
#include "history_queries.hpp"
#include "query_params.hpp"
#include "rtm/common/metrics.hpp"
#include "rtm/net/http_server.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::api {

struct RestApiCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> client_errors{0};  // answered 4xx
};

// rtm's REST API over the hot store, for analysts with curl and pandas:
// /v1/instruments, /v1/trades, /v1/bars, /v1/book, /v1/nbbo, /v1/stats,
// /v1/alerts, with /healthz, /readyz, /metrics and the dashboard at /. JSON (Boost.JSON),
// decimals as strings, times in ns since the epoch (queries also take RFC
// 3339); trades and bars also as CSV (format=csv). Errors are
// {"error":{"code":..,"message":..}} with 400 for a bad parameter (naming it
// and why), 404 for an unknown route or instrument, 405 for a method other
// than GET or HEAD. With API keys configured, /v1 (and, if asked, /metrics)
// answers 401 without a valid key and 429 past the key's rate; health and
// the dashboard's files stay open. CORS for the configured origins.
struct RestApiOptions {
  common::Metrics* metrics = nullptr;  // served at /metrics, and each route's latency observed there
  ApiKeys* keys = nullptr;             // when keys are configured, /v1 needs one (Authorization: Bearer)
  bool protect_metrics = false;        // and /metrics too
  std::vector<std::string> cors_origins;  // allowed cross-origin callers; "*" for any
  // Where trades and bars older than the hot store holds are read from
  // (PostgreSQL); none: the hot store only.
  store::HistoryReader* history = nullptr;
};

class RestApi {
 public:
  // `ready`: whether the stack is ready to serve (feeds flowing, not
  // shutting down); /readyz answers 503 while it is not.
  RestApi(const store::HotStore& store, std::function<bool()> ready, RestApiOptions options = {});

  net::HttpResponse handle(const net::HttpRequest& request);

  [[nodiscard]] const RestApiCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const BarTextCacheCounters& bar_text_counters() const noexcept { return bar_texts_.counters(); }

 private:
  net::HttpResponse instruments() const;
  net::HttpResponse trades(QueryParams& params) const;
  net::HttpResponse bars(QueryParams& params) const;
  net::HttpResponse book(QueryParams& params) const;
  net::HttpResponse nbbo(QueryParams& params) const;
  net::HttpResponse stats(QueryParams& params) const;
  net::HttpResponse alerts(QueryParams& params) const;

  // The instrument named by `instrument` ("binance:BTCUSDT"), known to the
  // store; nullopt with the error response set otherwise.
  std::optional<msg::InstrumentId> instrument_of(QueryParams& params, net::HttpResponse& error) const;
  std::string name_of(msg::InstrumentId id) const;

  net::HttpResponse route(const net::HttpRequest& request);
  void observe(std::string_view path, double seconds);

  const store::HotStore& store_;
  HistoryQueries history_;
  std::function<bool()> ready_;
  // 401 or 429 when the route needs a key and the request has none that may go ahead.
  std::optional<net::HttpResponse> refuse_unauthorized(const net::HttpRequest& request, std::string_view path);
  [[nodiscard]] bool origin_allowed(std::string_view origin) const;

  RestApiOptions options_;
  common::Metrics* metrics_;
  std::map<std::string, common::Histogram*, std::less<>> route_latency_;  // on the server's thread only
  RestApiCounters counters_;
  // The text of bars already answered; a page is written under the lock.
  mutable std::mutex bar_texts_mutex_;
  mutable BarTextCache bar_texts_;
};

// {"error":{"code":..,"message":..}} with the status.
net::HttpResponse error_response(int status, std::string_view code, std::string_view message);

}  // namespace rtm::api
