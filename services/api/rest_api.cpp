#include "rest_api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "book_json.hpp"
#include "dashboard_assets.hpp"
#include "rtm/json/derived_json.hpp"
#include "rtm/json/record_json.hpp"
#include "rtm/stream/durations.hpp"

namespace rtm::api {
namespace {

constexpr std::int64_t kMaxLimit = 10'000;
constexpr std::int64_t kDefaultLimit = 1'000;
// About what one bar's JSON takes (340 bytes at scale 8), rounded up so a
// page is written without the body growing.
constexpr std::size_t kBarJsonBytes = 400;

net::HttpResponse json_response(const boost::json::value& value) {
  net::HttpResponse response;
  response.body = boost::json::serialize(value);
  return response;
}

net::HttpResponse csv_response(std::string body) {
  net::HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = std::move(body);
  return response;
}

// A page that needs the history database while it does not answer: no
// answer rather than one with a hole in it.
net::HttpResponse history_unavailable(const store::HistoryUnavailable& error) {
  std::fprintf(stderr, "rest: %s\n", error.what());
  return error_response(503, "history_unavailable", "the history database is not answering; try again shortly");
}

net::HttpResponse bad_parameter(const QueryParams& params) {
  return error_response(400, "bad_parameter", params.error());
}

const char* side_text(msg::Aggressor side) {
  return side == msg::Aggressor::kBuy ? "buy" : side == msg::Aggressor::kSell ? "sell" : "unknown";
}

// "format": json (the default) or csv.
std::optional<bool> wants_csv(QueryParams& params, net::HttpResponse& error) {
  const auto format = params.text("format");
  if (!format || *format == "json") return false;
  if (*format == "csv") return true;
  error = error_response(400, "bad_parameter", "'format' must be json or csv, not '" + std::string(*format) + "'");
  return std::nullopt;
}

}  // namespace

net::HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  net::HttpResponse response = json_response(boost::json::object{{"error", std::move(error)}});
  response.status = status;
  return response;
}

RestApi::RestApi(const store::HotStore& store, std::function<bool()> ready, RestApiOptions options)
    : store_(store),
      history_(store, options.history),
      ready_(std::move(ready)),
      options_(std::move(options)),
      metrics_(options_.metrics) {}

bool RestApi::origin_allowed(std::string_view origin) const {
  return std::any_of(options_.cors_origins.begin(), options_.cors_origins.end(),
                     [&](const std::string& allowed) { return allowed == "*" || allowed == origin; });
}

std::optional<net::HttpResponse> RestApi::refuse_unauthorized(const net::HttpRequest& request, std::string_view path) {
  if (options_.keys == nullptr || !options_.keys->required()) return std::nullopt;
  if (!path.starts_with("/v1/") && !(path == "/metrics" && options_.protect_metrics)) return std::nullopt;
  const std::optional<std::string> key = options_.keys->from_header(request.header("Authorization"));
  if (!key) {
    net::HttpResponse refused = error_response(401, "unauthorized", "an API key is required: Authorization: Bearer KEY");
    refused.headers.emplace_back("WWW-Authenticate", "Bearer");
    return refused;
  }
  if (!options_.keys->take_request(*key)) {
    net::HttpResponse refused = error_response(429, "rate_limited", "too many requests for this key: slow down");
    refused.headers.emplace_back("Retry-After", "1");
    return refused;
  }
  return std::nullopt;
}

net::HttpResponse RestApi::handle(const net::HttpRequest& request) {
  ++counters_.requests;
  const auto started = std::chrono::steady_clock::now();
  net::HttpResponse response = route(request);
  if (const auto origin = request.header("Origin"); origin && origin_allowed(*origin)) {
    response.headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
    response.headers.emplace_back("Vary", "Origin");
  }
  if (response.status >= 400 && response.status < 500) ++counters_.client_errors;
  if (request.method == "HEAD") response.body.clear();
  observe(request.path(), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

void RestApi::observe(std::string_view path, double seconds) {
  if (metrics_ == nullptr) return;
  // Known routes by name; anything else (404s, scans) counts as one.
  constexpr std::string_view kRoutes[] = {"/v1/instruments", "/v1/trades", "/v1/bars",  "/v1/book", "/v1/nbbo",
                                          "/v1/stats",       "/v1/alerts", "/healthz", "/readyz",  "/metrics", "/openapi.json"};
  const bool known = std::find(std::begin(kRoutes), std::end(kRoutes), path) != std::end(kRoutes);
  const std::string_view route = known ? path : dashboard_asset(path) ? "/dashboard" : "other";
  auto found = route_latency_.find(route);
  if (found == route_latency_.end()) {
    common::Histogram& histogram = metrics_->histogram(
        "rtm_http_request_duration_seconds", "REST requests, from the request read to the response made, by route",
        {{"route", std::string(route)}}, common::latency_buckets());
    found = route_latency_.emplace(std::string(route), &histogram).first;
  }
  found->second->observe(seconds);
}

net::HttpResponse RestApi::route(const net::HttpRequest& request) {
  if (request.method == "OPTIONS") {
    // A browser's preflight for a cross-origin GET with a key.
    const auto origin = request.header("Origin");
    if (!origin || !origin_allowed(*origin)) return error_response(403, "origin_not_allowed", "not an allowed origin");
    net::HttpResponse preflight;
    preflight.status = 204;
    preflight.headers = {{"Access-Control-Allow-Methods", "GET, HEAD"},
                         {"Access-Control-Allow-Headers", "Authorization"},
                         {"Access-Control-Max-Age", "600"}};
    return preflight;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    net::HttpResponse refused = error_response(405, "method_not_allowed", "only GET and HEAD are served");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  const std::string_view path = request.path();
  if (path == "/healthz") return json_response(boost::json::object{{"status", "ok"}});
  if (path == "/readyz") {
    if (ready_()) return json_response(boost::json::object{{"status", "ready"}});
    return error_response(503, "not_ready", "no market data is flowing yet, or shutting down");
  }
  if (auto refused = refuse_unauthorized(request, path)) return std::move(*refused);
  if (path == "/metrics" && metrics_ != nullptr) {
    net::HttpResponse scrape;
    scrape.content_type = "text/plain; version=0.0.4; charset=utf-8";
    scrape.body = metrics_->text();
    return scrape;
  }
  if (const auto asset = dashboard_asset(path)) {
    net::HttpResponse page;
    page.content_type = std::string(asset->content_type);
    page.body = std::string(asset->body);
    return page;
  }
  QueryParams params;
  if (!params.parse(request.query())) return bad_parameter(params);
  if (path == "/v1/instruments") return instruments();
  if (path == "/v1/trades") return trades(params);
  if (path == "/v1/bars") return bars(params);
  if (path == "/v1/book") return book(params);
  if (path == "/v1/nbbo") return nbbo(params);
  if (path == "/v1/stats") return stats(params);
  if (path == "/v1/alerts") return alerts(params);
  return error_response(404, "not_found", "no route " + std::string(path));
}

std::string RestApi::name_of(msg::InstrumentId id) const {
  std::string name = store_.name_of(id);
  return name.empty() ? "unknown:" + std::to_string(id) : name;
}

std::optional<msg::InstrumentId> RestApi::instrument_of(QueryParams& params, net::HttpResponse& error) const {
  const auto name = params.text("instrument");
  if (!name) {
    error = error_response(400, "bad_parameter", "'instrument' is required, as venue:SYMBOL (binance:BTCUSDT)");
    return std::nullopt;
  }
  const std::optional<msg::InstrumentId> id = msg::parse_instrument_name(*name);
  if (!id) {
    error = error_response(400, "bad_parameter",
                           "'instrument' must be venue:SYMBOL (binance:BTCUSDT), not '" + std::string(*name) + "'");
    return std::nullopt;
  }
  if (!store_.instrument(*id)) {
    error = error_response(404, "unknown_instrument", "no instrument " + std::string(*name) + " (see /v1/instruments)");
    return std::nullopt;
  }
  return id;
}

net::HttpResponse RestApi::instruments() const {
  boost::json::array out;
  for (const msg::InstrumentDef& definition : store_.instruments()) {
    const msg::InstrumentId id = definition.header.instrument_id;
    boost::json::object entry;
    entry["instrument"] = msg::instrument_name(definition);
    entry["venue"] = msg::venue_name(definition.header.venue);
    entry["symbol"] = definition.venue_symbol.view();
    entry["canonical"] = definition.canonical_symbol.view();
    entry["price_scale"] = definition.price_scale;
    entry["size_scale"] = definition.size_scale;
    entry["tick_size"] = json::decimal_text(definition.tick_size, definition.price_scale);
    entry["lot_size"] = json::decimal_text(definition.lot_size, definition.size_scale);
    const auto top = store_.book(id, 0);
    entry["book"] = !top ? "none" : top->live ? "live" : "stale";
    out.push_back(std::move(entry));
  }
  return json_response(boost::json::object{{"instruments", std::move(out)}});
}

net::HttpResponse RestApi::trades(QueryParams& params) const {
  net::HttpResponse error;
  if (const auto unknown = params.unknown({"instrument", "from", "to", "limit", "cursor", "order", "format"})) {
    return error_response(400, "bad_parameter", "unknown parameter '" + *unknown + "'");
  }
  const auto instrument = instrument_of(params, error);
  if (!instrument) return error;
  const auto csv = wants_csv(params, error);
  if (!csv) return error;
  const std::int64_t from = params.time("from").value_or(INT64_MIN);
  const std::int64_t to = params.time("to").value_or(INT64_MAX);
  const std::int64_t limit = params.integer("limit", 1, kMaxLimit).value_or(kDefaultLimit);
  std::optional<store::TradePosition> after;
  if (const auto cursor = params.text("cursor")) {
    // "<ts_event>-<sequence>", as next_cursor gave it.
    const std::size_t dash = cursor->find('-', 1);
    store::TradePosition position;
    const auto ts = std::from_chars(cursor->data(), cursor->data() + std::min(dash, cursor->size()), position.ts_event);
    const auto seq = dash == std::string_view::npos
                         ? std::from_chars_result{cursor->data(), std::errc::invalid_argument}
                         : std::from_chars(cursor->data() + dash + 1, cursor->data() + cursor->size(), position.sequence);
    if (ts.ec != std::errc() || seq.ec != std::errc() || seq.ptr != cursor->data() + cursor->size()) {
      return error_response(400, "bad_parameter", "'cursor' must be a next_cursor from an earlier page");
    }
    after = position;
  }
  const std::string_view order = params.text("order").value_or("asc");
  if (order != "asc" && order != "desc") {
    return error_response(400, "bad_parameter", "'order' must be asc or desc, not '" + std::string(order) + "'");
  }
  if (order == "desc" && after) return error_response(400, "bad_parameter", "'cursor' pages with order=asc only");
  if (!params.error().empty()) return bad_parameter(params);
  if (from >= to) return error_response(400, "bad_parameter", "'from' must be before 'to'");

  // asc: oldest first, paged with next_cursor; desc: the newest, newest first.
  const std::string name = name_of(*instrument);
  std::vector<msg::Trade> trades;
  try {
    trades = order == "asc" ? history_.trades(*instrument, name, from, to, static_cast<std::size_t>(limit), after)
                            : history_.latest_trades(*instrument, name, from, to, static_cast<std::size_t>(limit));
  } catch (const store::HistoryUnavailable& unavailable) {
    return history_unavailable(unavailable);
  }
  if (*csv) {
    std::string out = "ts_event,ts_recv,instrument,price,size,side,trade_id,seq\n";
    for (const msg::Trade& t : trades) {
      out += std::to_string(t.header.ts_event) + ',' + std::to_string(t.header.ts_recv) + ',' + name + ',' +
             json::decimal_text(t.price, t.price_scale) + ',' + json::decimal_text(t.size, t.size_scale) + ',' +
             side_text(t.aggressor) + ',' + std::to_string(t.trade_id) + ',' + std::to_string(t.header.sequence) +
             '\n';
    }
    return csv_response(std::move(out));
  }
  const json::RecordJson to_json([&](msg::InstrumentId) { return name; });
  boost::json::array out;
  for (const msg::Trade& t : trades) out.push_back(to_json.to_json(t));
  boost::json::value next = nullptr;
  if (order == "asc" && static_cast<std::int64_t>(trades.size()) == limit) {
    next = std::to_string(trades.back().header.ts_event) + "-" + std::to_string(trades.back().header.sequence);
  }
  return json_response(boost::json::object{{"instrument", name}, {"trades", std::move(out)}, {"next_cursor", next}});
}

net::HttpResponse RestApi::bars(QueryParams& params) const {
  net::HttpResponse error;
  if (const auto unknown = params.unknown({"instrument", "symbol", "interval", "from", "to", "limit", "format"})) {
    return error_response(400, "bad_parameter", "unknown parameter '" + *unknown + "'");
  }
  msg::InstrumentId series = msg::kNoInstrument;
  if (const auto symbol = params.text("symbol")) {
    if (params.text("instrument")) return error_response(400, "bad_parameter", "give 'instrument' or 'symbol', not both");
    const auto composite = store_.composite_of_symbol(*symbol);
    if (!composite) {
      return error_response(404, "unknown_symbol", "no symbol " + std::string(*symbol) + " (see /v1/instruments)");
    }
    series = *composite;
  } else {
    const auto instrument = instrument_of(params, error);
    if (!instrument) return error;
    series = *instrument;
  }
  const auto csv = wants_csv(params, error);
  if (!csv) return error;
  const std::int64_t interval = params.duration_ns("interval").value_or(60'000'000'000);
  const std::int64_t from = params.time("from").value_or(INT64_MIN);
  const std::int64_t to = params.time("to").value_or(INT64_MAX);
  const std::int64_t limit = params.integer("limit", 1, kMaxLimit).value_or(kDefaultLimit);
  if (!params.error().empty()) return bad_parameter(params);
  if (from >= to) return error_response(400, "bad_parameter", "'from' must be before 'to'");

  // The newest `limit` bars of the range: what a chart wants.
  const std::string name = name_of(series);
  std::vector<msg::Bar> bars;
  try {
    bars = history_.bars(series, name, interval, from, to, static_cast<std::size_t>(limit));
  } catch (const store::HistoryUnavailable& unavailable) {
    return history_unavailable(unavailable);
  }
  if (*csv) {
    std::string out = "start,open,high,low,close,volume,vwap,trades,buy_volume,sell_volume,final,revision\n";
    for (const msg::Bar& b : bars) {
      const auto price = [&](std::int64_t v) { return json::decimal_text(v, b.price_scale); };
      const auto size = [&](std::int64_t v) { return json::decimal_text(v, b.size_scale); };
      out += std::to_string(b.start_ns) + ',' + price(b.open) + ',' + price(b.high) + ',' + price(b.low) + ',' +
             price(b.close) + ',' + size(b.volume) + ',' + price(b.vwap) + ',' + std::to_string(b.trade_count) + ',' +
             size(b.buy_volume) + ',' + size(b.sell_volume) + ',' +
             ((b.header.flags & msg::flags::kFinal) != 0 ? "true" : "false") + ',' + std::to_string(b.revision) + '\n';
    }
    return csv_response(std::move(out));
  }
  // A page of bars is the largest answer the API gives, and the one a chart
  // asks for on every load: each bar's text is copied from the cache when
  // the bar has not changed since it was last written (final bars in a row
  // with one copy). Appending never zero-fills the body first, as writing
  // into it in place would.
  net::HttpResponse response;
  std::string& body = response.body;
  body.reserve(64 + bars.size() * kBarJsonBytes);
  body += R"({"bars":[)";
  {
    const std::lock_guard lock(bar_texts_mutex_);
    bar_texts_.append_page(bars, name, body);
  }
  body += "]}";
  return response;
}

net::HttpResponse RestApi::book(QueryParams& params) const {
  net::HttpResponse error;
  if (const auto unknown = params.unknown({"instrument", "depth"})) {
    return error_response(400, "bad_parameter", "unknown parameter '" + *unknown + "'");
  }
  const auto instrument = instrument_of(params, error);
  if (!instrument) return error;
  const std::int64_t depth =
      params.integer("depth", 1, static_cast<std::int64_t>(store_.book_depth())).value_or(10);
  if (!params.error().empty()) return bad_parameter(params);
  const auto top = store_.book(*instrument, static_cast<std::size_t>(depth));
  if (!top) return error_response(404, "no_book", "no book for " + name_of(*instrument) + " yet");
  return json_response(book_json(*top, name_of(*instrument)));
}

net::HttpResponse RestApi::nbbo(QueryParams& params) const {
  if (const auto unknown = params.unknown({"symbol"})) {
    return error_response(400, "bad_parameter", "unknown parameter '" + *unknown + "'");
  }
  const auto symbol = params.text("symbol");
  if (!symbol) return error_response(400, "bad_parameter", "'symbol' is required (BTC-USD)");
  const auto composite = store_.composite_of_symbol(*symbol);
  const auto best = composite ? store_.nbbo(*composite) : std::nullopt;
  if (!best) return error_response(404, "unknown_symbol", "no best bid/offer for " + std::string(*symbol) + " yet");
  return json_response(json::nbbo_json(*best, std::string(*symbol)));
}

net::HttpResponse RestApi::stats(QueryParams& params) const {
  net::HttpResponse error;
  if (const auto unknown = params.unknown({"instrument"})) {
    return error_response(400, "bad_parameter", "unknown parameter '" + *unknown + "'");
  }
  const auto instrument = instrument_of(params, error);
  if (!instrument) return error;
  const std::string name = name_of(*instrument);
  boost::json::array out;
  for (const msg::Stats& s : store_.stats(*instrument)) out.push_back(json::stats_json(s, name));
  return json_response(boost::json::object{{"instrument", name}, {"stats", std::move(out)}});
}

net::HttpResponse RestApi::alerts(QueryParams& params) const {
  if (const auto unknown = params.unknown({"since", "limit"})) {
    return error_response(400, "bad_parameter", "unknown parameter '" + *unknown + "'");
  }
  const std::int64_t since = params.time("since").value_or(INT64_MIN);
  const std::int64_t limit = params.integer("limit", 1, kMaxLimit).value_or(100);
  if (!params.error().empty()) return bad_parameter(params);
  boost::json::array out;
  for (const msg::Alert& a : store_.alerts(since, static_cast<std::size_t>(limit))) {
    out.push_back(json::alert_json(a, name_of(a.header.instrument_id)));
  }
  return json_response(boost::json::object{{"alerts", std::move(out)}});
}

}  // namespace rtm::api
