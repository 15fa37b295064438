#include "ws_hub.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "book_json.hpp"
#include "rtm/json/derived_json.hpp"
#include "rtm/json/record_json.hpp"
#include "rtm/msg/codec.hpp"
#include "rtm/stream/durations.hpp"
#include "ws_client_session.hpp"

namespace rtm::api {
namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A data message: the record's JSON with the channel it came on and the
// server's send time (when it was serialized for every subscriber at once).
net::SharedText data_text(boost::json::object object, std::string_view channel, bool snapshot = false,
                          std::int64_t ts_send = now_ns()) {
  object["channel"] = channel;
  if (snapshot) object["snapshot"] = true;
  object["ts_send"] = ts_send;
  return std::make_shared<const std::string>(boost::json::serialize(object));
}

net::SharedText control_text(const boost::json::object& object) {
  return std::make_shared<const std::string>(boost::json::serialize(object));
}

net::SharedText error_text(std::string_view code, std::string_view message, const boost::json::value& id) {
  boost::json::object out{{"type", "error"}, {"code", code}, {"message", message}};
  if (!id.is_null()) out["id"] = id;
  return control_text(out);
}

std::string topic_of(std::string_view channel, msg::InstrumentId id, std::int64_t interval_ns = 0) {
  std::string topic(channel);
  if (id != msg::kNoInstrument) topic += "|" + std::to_string(id);
  if (interval_ns != 0) topic += "|" + std::to_string(interval_ns);
  return topic;
}

constexpr std::string_view kChannels[] = {"trades", "bbo", "book", "bars", "nbbo", "stats", "alerts"};

}  // namespace

WsHub::WsHub(const store::HotStore& store, WsHubOptions options)
    : store_(store), options_(options), ticker_([this](std::stop_token stop) { tick_loop(std::move(stop)); }) {}

WsHub::~WsHub() {
  ticker_.request_stop();
  if (ticker_.joinable()) ticker_.join();
}

std::shared_ptr<net::WebSocketHandler> WsHub::accept(std::shared_ptr<net::WebSocketPeer> peer,
                                                    const net::HttpRequest& upgrade) {
  auto client = std::make_shared<WsClientSession>(*this, std::move(peer));
  if (keys_required()) {
    // A key in the upgrade's header authenticates at once; a browser, which
    // cannot set one, sends an auth op instead.
    if (auto key = options_.keys->from_header(upgrade.header("Authorization"))) {
      if (!options_.keys->open_connection(*key)) return nullptr;  // over the key's cap: 403
      client->api_key = std::move(key);
    } else if (upgrade.header("Authorization")) {
      return nullptr;
    }
  }
  std::lock_guard lock(mutex_);
  clients_.insert(client);
  ++counters_.connections;
  ++counters_.clients;
  return client;
}

void WsHub::remove(WsClientSession* client) {
  if (client->api_key && options_.keys != nullptr) options_.keys->close_connection(*client->api_key);
  std::lock_guard lock(mutex_);
  for (const auto& [topic, depth] : client->subscriptions) {
    auto& subscribers = topics_[topic];
    std::erase_if(subscribers, [&](const std::weak_ptr<WsClientSession>& weak) {
      const auto known = weak.lock();
      return !known || known.get() == client;
    });
    if (subscribers.empty()) topics_.erase(topic);
  }
  client->subscriptions.clear();
  const auto found = std::find_if(clients_.begin(), clients_.end(), [&](const auto& c) { return c.get() == client; });
  if (found != clients_.end()) {
    clients_.erase(found);
    --counters_.clients;
  }
}

void WsHub::close_all() {
  std::vector<std::shared_ptr<WsClientSession>> clients;
  {
    std::lock_guard lock(mutex_);
    clients.assign(clients_.begin(), clients_.end());
  }
  for (const auto& client : clients) client->close(net::close_code::kGoingAway, "the server is stopping");
}

std::string WsHub::name_of(msg::InstrumentId id) {
  if (const auto found = names_.find(id); found != names_.end()) return found->second;
  std::string name = store_.name_of(id);
  if (!name.empty()) names_.emplace(id, name);
  return name;
}

void WsHub::handle_op(const std::shared_ptr<WsClientSession>& client, std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  const boost::json::object* request = parsed.if_object();
  const boost::json::value id = request != nullptr && request->contains("id") ? request->at("id") : nullptr;
  const auto fail = [&](std::string_view code, std::string_view message) {
    count_error();
    client->send_control(error_text(code, message, id));
  };
  if (ec || request == nullptr) return fail("bad_json", "a message must be a JSON object");
  if (!client->take_op_token()) return fail("rate_limited", "too many messages: slow down");
  const boost::json::string* op = request->contains("op") ? request->at("op").if_string() : nullptr;
  if (op == nullptr) return fail("bad_request", "'op' is required: subscribe, unsubscribe, ping or auth");
  if (*op == "ping") {
    boost::json::object pong{{"type", "pong"}, {"ts_send", now_ns()}};
    if (!id.is_null()) pong["id"] = id;
    return client->send_control(control_text(pong));
  }
  if (*op == "auth") {
    boost::json::object answer{{"type", "auth"}, {"ok", true}, {"required", keys_required()}};
    if (!id.is_null()) answer["id"] = id;
    if (keys_required() && !client->api_key) {
      const boost::json::value* key = request->if_contains("key");
      if (key == nullptr || !key->is_string() || !options_.keys->known(key->get_string())) {
        fail("unauthorized", "not a valid API key");
        return client->close(net::close_code::kPolicyViolation, "authentication failed");
      }
      if (!options_.keys->open_connection(std::string(key->get_string()))) {
        fail("too_many_connections", "this key has as many connections as it may");
        return client->close(net::close_code::kPolicyViolation, "too many connections for this key");
      }
      client->api_key = std::string(key->get_string());
    }
    return client->send_control(control_text(answer));
  }
  if (keys_required() && !client->api_key) {
    return fail("unauthorized", "authenticate first: {\"op\":\"auth\",\"key\":\"...\"}");
  }
  if (*op != "subscribe" && *op != "unsubscribe") return fail("unknown_op", "unknown op '" + std::string(*op) + "'");
  const bool subscribe = *op == "subscribe";

  const auto field = [&](std::string_view name) -> std::optional<std::string_view> {
    const boost::json::value* value = request->if_contains(name);
    if (value == nullptr || !value->is_string()) return std::nullopt;
    return std::string_view(value->get_string());
  };
  const auto channel = field("channel");
  if (!channel || std::find(std::begin(kChannels), std::end(kChannels), *channel) == std::end(kChannels)) {
    return fail("unknown_channel", "'channel' must be trades, bbo, book, bars, nbbo, stats or alerts");
  }
  boost::json::object reply{{"channel", *channel}};
  if (!id.is_null()) reply["id"] = id;
  msg::InstrumentId target = msg::kNoInstrument;
  const bool by_symbol = *channel == "nbbo" || (*channel == "bars" && field("symbol"));
  if (*channel != "alerts") {
    if (by_symbol) {
      const auto symbol = field("symbol");
      const auto composite = symbol ? store_.composite_of_symbol(*symbol) : std::nullopt;
      if (!composite) return fail("unknown_symbol", "'symbol' must name a known symbol (BTC-USD)");
      target = *composite;
      reply["symbol"] = *symbol;
    } else {
      const auto name = field("instrument");
      const std::optional<msg::InstrumentId> id_named = name ? msg::parse_instrument_name(*name) : std::nullopt;
      if (id_named) target = *id_named;
      if (!id_named || !store_.instrument(target)) {
        return fail("unknown_instrument", "'instrument' must name a known instrument (binance:BTCUSDT)");
      }
      reply["instrument"] = *name;
    }
  }
  std::int64_t interval_ns = 0;
  if (*channel == "bars") {
    const auto interval = stream::parse_duration(field("interval").value_or("1m"));
    if (!interval || interval->count() <= 0) return fail("bad_request", "'interval' must be a duration such as 1m");
    interval_ns = interval->count();
    reply["interval"] = stream::duration_text(*interval);
  }
  std::size_t depth = 0;
  if (*channel == "book") {
    const boost::json::value* asked = request->if_contains("depth");
    const std::int64_t wanted = asked == nullptr ? 10 : asked->is_int64() ? asked->get_int64() : -1;
    if (wanted < 1 || wanted > static_cast<std::int64_t>(store_.book_depth())) {
      return fail("bad_request", "'depth' must be from 1 to " + std::to_string(store_.book_depth()));
    }
    depth = static_cast<std::size_t>(wanted);
    reply["depth"] = wanted;
  }
  const std::string topic = topic_of(*channel, target, interval_ns);

  std::lock_guard lock(mutex_);
  const bool known = client->subscriptions.contains(topic);
  if (!subscribe) {
    if (!known) return fail("not_subscribed", "no such subscription");
    client->subscriptions.erase(topic);
    auto& subscribers = topics_[topic];
    std::erase_if(subscribers, [&](const auto& weak) { return weak.lock() == client; });
    if (subscribers.empty()) topics_.erase(topic);
    reply["type"] = "unsubscribed";
    return client->send_control(control_text(reply));
  }
  if (!known && client->api_key && !options_.keys->take_subscription(*client->api_key)) {
    return fail("rate_limited", "too many subscriptions for this key: slow down");
  }
  if (!known && client->subscriptions.size() >= options_.max_subscriptions) {
    return fail("too_many_subscriptions", "at most " + std::to_string(options_.max_subscriptions) + " subscriptions");
  }
  client->subscriptions[topic] = depth;
  if (!known) topics_[topic].push_back(client);
  if (*channel == "book" || *channel == "bbo") books_.try_emplace(target);
  reply["type"] = "subscribed";
  client->send_control(control_text(reply));
  // Under the lock: no update of the topic can be queued before the snapshot.
  send_snapshot(*client, topic, target, interval_ns, depth);
}

void WsHub::send_snapshot(WsClientSession& client, const std::string& topic, msg::InstrumentId id,
                          std::int64_t interval_ns, std::size_t depth) {
  const std::string_view channel = std::string_view(topic).substr(0, topic.find('|'));
  // Snapshots go in as control messages: an update right behind one must
  // not replace it, or the client would never see its snapshot.
  if (channel == "book" || channel == "bbo") {
    if (const auto top = store_.book(id, channel == "book" ? depth : 1)) {
      client.send_control(
          data_text(channel == "book" ? book_json(*top, name_of(id)) : bbo_json(*top, name_of(id)), channel, true));
    }
  } else if (channel == "nbbo") {
    if (const auto best = store_.nbbo(id)) client.send_control(data_text(json::nbbo_json(*best, name_of(id)), channel, true));
  } else if (channel == "stats") {
    for (const msg::Stats& s : store_.stats(id)) client.send_control(data_text(json::stats_json(s, name_of(id)), channel, true));
  } else if (channel == "bars") {
    boost::json::array bars;
    for (const msg::Bar& b : store_.bars(id, interval_ns, INT64_MIN, INT64_MAX, options_.snapshot_bars)) {
      bars.push_back(json::bar_json(b, name_of(id)));
    }
    client.send_control(data_text(boost::json::object{{"type", "bars"}, {"bars", std::move(bars)}}, channel, true));
  } else if (channel == "alerts") {
    boost::json::array alerts;
    for (const msg::Alert& a : store_.alerts(INT64_MIN, 20)) alerts.push_back(json::alert_json(a, name_of(a.header.instrument_id)));
    client.send_control(data_text(boost::json::object{{"type", "alerts"}, {"alerts", std::move(alerts)}}, channel, true));
  }
}

void WsHub::deliver(const std::string& topic, const std::string& conflation_key, bool trade,
                    const net::SharedText& text) {
  std::vector<std::shared_ptr<WsClientSession>> subscribers;
  {
    std::lock_guard lock(mutex_);
    const auto found = topics_.find(topic);
    if (found == topics_.end()) return;
    for (const auto& weak : found->second) {
      if (auto client = weak.lock()) subscribers.push_back(std::move(client));
    }
  }
  for (const auto& client : subscribers) {
    if (trade) {
      client->send_trade(conflation_key, text);
    } else if (conflation_key.empty()) {
      client->send_control(text);
    } else {
      client->send_state(conflation_key, text);
    }
  }
}

void WsHub::on_record(std::span<const std::byte> bytes) {
  msg::AnyRecord record;
  if (!msg::decode(bytes, record).ok()) return;
  const auto subscribed = [&](const std::string& topic) {
    std::lock_guard lock(mutex_);
    return topics_.contains(topic);
  };
  const auto name = [&](msg::InstrumentId id) {
    std::lock_guard lock(mutex_);
    return name_of(id);
  };
  // Serialized only when someone listens, once for all of them.
  if (const auto* trade = std::get_if<msg::Trade>(&record)) {
    const std::string topic = topic_of("trades", trade->header.instrument_id);
    if (!subscribed(topic)) return;
    const std::string instrument = name(trade->header.instrument_id);
    const json::RecordJson to_json([&](msg::InstrumentId) { return instrument; });
    const std::int64_t sent = now_ns();
    if (options_.client_latency != nullptr) {
      options_.client_latency->observe(static_cast<double>(sent - trade->header.ts_recv) / 1e9);
    }
    deliver(topic, instrument, true, data_text(to_json.to_json(*trade), "trades", false, sent));
  } else if (const auto* bar = std::get_if<msg::Bar>(&record)) {
    const std::string topic = topic_of("bars", bar->header.instrument_id, bar->interval_ns);
    if (!subscribed(topic)) return;
    deliver(topic, topic + "|" + std::to_string(bar->start_ns), false,
            data_text(json::bar_json(*bar, name(bar->header.instrument_id)), "bars"));
  } else if (const auto* nbbo = std::get_if<msg::Nbbo>(&record)) {
    const std::string topic = topic_of("nbbo", nbbo->header.instrument_id);
    if (!subscribed(topic)) return;
    deliver(topic, topic, false, data_text(json::nbbo_json(*nbbo, name(nbbo->header.instrument_id)), "nbbo"));
  } else if (const auto* stats = std::get_if<msg::Stats>(&record)) {
    const std::string topic = topic_of("stats", stats->header.instrument_id);
    if (!subscribed(topic)) return;
    deliver(topic, topic + "|" + std::to_string(stats->window_ns), false,
            data_text(json::stats_json(*stats, name(stats->header.instrument_id)), "stats"));
  } else if (const auto* alert = std::get_if<msg::Alert>(&record)) {
    if (!subscribed("alerts")) return;
    deliver("alerts", "", false, data_text(json::alert_json(*alert, name(alert->header.instrument_id)), "alerts"));
  }
}

void WsHub::tick_loop(std::stop_token stop) {
  auto next_heartbeat = std::chrono::steady_clock::now() + options_.heartbeat_every;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(options_.book_every);
    send_books();
    if (std::chrono::steady_clock::now() < next_heartbeat) continue;
    next_heartbeat += options_.heartbeat_every;
    const net::SharedText beat = control_text(boost::json::object{{"type", "heartbeat"}, {"ts_send", now_ns()}});
    std::vector<std::shared_ptr<WsClientSession>> clients;
    {
      std::lock_guard lock(mutex_);
      clients.assign(clients_.begin(), clients_.end());
    }
    for (const auto& client : clients) client->send_control(beat);
  }
}

void WsHub::send_books() {
  // Each watched book, read from the hot store when it has moved on.
  std::vector<msg::InstrumentId> watched;
  {
    std::lock_guard lock(mutex_);
    for (auto it = books_.begin(); it != books_.end();) {
      const bool wanted = topics_.contains(topic_of("book", it->first)) || topics_.contains(topic_of("bbo", it->first));
      if (!wanted) {
        it = books_.erase(it);
      } else {
        watched.push_back((it++)->first);
      }
    }
  }
  for (const msg::InstrumentId id : watched) {
    const auto top = store_.book(id, store_.book_depth());
    if (!top) continue;
    std::map<std::size_t, std::vector<std::shared_ptr<WsClientSession>>> by_depth;
    std::vector<std::shared_ptr<WsClientSession>> bbo_clients;
    std::string instrument;
    const std::string book_topic = topic_of("book", id);
    const std::string bbo_topic = topic_of("bbo", id);
    {
      std::lock_guard lock(mutex_);
      BookWatch& watch = books_[id];
      if (watch.sent_sequence == top->sequence && watch.sent_live == top->live && watch.sent_sequence != 0) continue;
      watch.sent_sequence = top->sequence;
      watch.sent_live = top->live;
      instrument = name_of(id);
      if (const auto found = topics_.find(book_topic); found != topics_.end()) {
        for (const auto& weak : found->second) {
          if (auto client = weak.lock()) {
            const std::size_t depth = client->subscriptions[book_topic];
            by_depth[depth].push_back(std::move(client));
          }
        }
      }
      if (const auto found = topics_.find(bbo_topic); found != topics_.end()) {
        for (const auto& weak : found->second) {
          if (auto client = weak.lock()) bbo_clients.push_back(std::move(client));
        }
      }
    }
    // One text per depth asked for, shared by those who asked for it.
    for (const auto& [depth, clients] : by_depth) {
      store::BookTop cut = *top;
      cut.bids.resize(std::min(depth, cut.bids.size()));
      cut.asks.resize(std::min(depth, cut.asks.size()));
      const net::SharedText text = data_text(book_json(cut, instrument), "book");
      for (const auto& client : clients) client->send_state(book_topic, text);
    }
    if (!bbo_clients.empty()) {
      const net::SharedText text = data_text(bbo_json(*top, instrument), "bbo");
      for (const auto& client : bbo_clients) client->send_state(bbo_topic, text);
    }
  }
}

}  // namespace rtm::api
