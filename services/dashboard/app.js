// The rtm dashboard: streams the cross-venue best bid/offer, candles, a
// venue's book, its trades and statistics over the WebSocket (/ws), and
// reads the instruments, the feeds' state and recent alerts by REST. No
// framework, no build.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { instruments: [], symbol: null, instrument: null, interval: "1m" };

// An API key, where the deployment requires one: given once as ?key=...
const key = new URLSearchParams(location.search).get("key") || localStorage.getItem("rtm-key");
if (key) localStorage.setItem("rtm-key", key);

async function get(path) {
  const headers = key ? { Authorization: "Bearer " + key } : {};
  const response = await fetch(path, { cache: "no-store", headers });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function time(ns) {
  return new Date(Number(BigInt(ns) / 1000000n)).toISOString().slice(11, 23);
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function fill(tableId, rows) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    tr.append(...cells);
    return tr;
  }));
}

// Exact decimals as the API gives them, without the trailing zeros of a
// venue's fixed scale (keeping two places).
function price(text) {
  if (!text) return "–";
  const [whole, fraction = ""] = text.split(".");
  return whole + "." + fraction.replace(/0+$/, "").padEnd(2, "0");
}

function fixed(value, digits) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

function options(select, values, chosen) {
  if (select.options.length === values.length) return;
  select.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen)));
}

async function refreshInstruments() {
  state.instruments = (await get("/v1/instruments")).instruments;
  const symbols = [...new Set(state.instruments.map((i) => i.canonical))].sort();
  if (!state.symbol || !symbols.includes(state.symbol)) state.symbol = symbols[0] || null;
  options($("symbol"), symbols, state.symbol);
  const members = state.instruments.filter((i) => i.canonical === state.symbol).map((i) => i.instrument);
  if (!members.includes(state.instrument)) state.instrument = members[0] || null;
  options($("instrument"), members, state.instrument);
  fill("feeds", state.instruments.map((i) => [cell(i.instrument), cell(i.book, i.book === "live" ? "live" : "stale")]));
}

function renderNbbo(n) {
  const side = (label, px, size, venue) =>
    `<div><small>${label} · ${venue || "none"}</small>${price(px)} <small>${size || ""}</small></div>`;
  $("nbbo").innerHTML = side("best bid", n.bid_price, n.bid_size, n.bid_venue) +
    side("best ask", n.ask_price, n.ask_size, n.ask_venue) +
    `<div><small>market</small>${n.condition}</div>` +
    `<div><small>venues counted</small>${n.venues}${n.excluded.length ? " (left out: " + n.excluded.join(", ") + ")" : ""}</div>`;
}

function drawCandles(bars) {
  const canvas = $("chart");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = canvas.clientWidth * ratio;
  canvas.height = canvas.clientHeight * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  const width = canvas.clientWidth, height = canvas.clientHeight, pad = 8, axis = 70;
  g.clearRect(0, 0, width, height);
  if (bars.length === 0) return;
  const highs = bars.map((b) => Number(b.high)), lows = bars.map((b) => Number(b.low));
  const top = Math.max(...highs), bottom = Math.min(...lows), span = top - bottom || 1;
  const y = (price) => pad + (top - price) / span * (height - 2 * pad);
  const step = (width - axis) / Math.max(bars.length, 60);
  g.fillStyle = "#7d8a96";
  g.font = "11px system-ui";
  for (const price of [top, (top + bottom) / 2, bottom]) g.fillText(price.toFixed(2), width - axis + 6, y(price) + 4);
  bars.forEach((b, i) => {
    const open = Number(b.open), close = Number(b.close);
    const x = i * step + step / 2;
    g.strokeStyle = g.fillStyle = close >= open ? "#26a69a" : "#ef5350";
    g.beginPath();
    g.moveTo(x, y(Number(b.high)));
    g.lineTo(x, y(Number(b.low)));
    g.stroke();
    const body = Math.max(Math.abs(y(open) - y(close)), 1);
    g.fillRect(x - step * 0.35, Math.min(y(open), y(close)), step * 0.7, body);
  });
}

function renderBook(book) {
  $("book-title").textContent = `Book · ${book.instrument} · ${book.status}`;
  const rows = [];
  for (let i = 0; i < Math.max(book.bids.length, book.asks.length); ++i) {
    const bid = book.bids[i] || ["", ""], ask = book.asks[i] || ["", ""];
    rows.push([cell(bid[1], "bid"), cell(bid[0] && price(bid[0]), "bid"), cell(ask[0] && price(ask[0]), "ask"),
      cell(ask[1], "ask")]);
  }
  fill("book", rows);
}

function renderTrades() {
  fill("trades", view.trades.map((t) =>
    [cell(time(t.ts_event)), cell(price(t.price), t.side), cell(t.size), cell(t.side, t.side)]));
}

function renderStats() {
  const seconds = (w) => parseFloat(w) * ({ ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 }[w.replace(/[0-9.]/g, "")] || 1);
  const stats = [...view.stats.values()].sort((a, b) => seconds(a.window) - seconds(b.window));
  fill("stats", stats.map((s) => [cell(s.window), cell(fixed(s.change_bps, 1) + " bps"),
    cell(fixed(s.realized_volatility * 100, 1) + "%"), cell(fixed(s.spread_bps, 2) + " bps"),
    cell(fixed(s.book_imbalance, 2)), cell(fixed(s.trades_per_second, 2))]));
}

// What is shown, as the WebSocket streams it.
const view = { bars: new Map(), trades: [], stats: new Map(), drawPending: false };

function redrawCandles() {
  if (view.drawPending) return;
  view.drawPending = true;
  requestAnimationFrame(() => {
    view.drawPending = false;
    const bars = [...view.bars.values()].sort((a, b) => a.start - b.start).slice(-120);
    drawCandles(bars);
  });
}

// The subscriptions the page's choices call for.
function wanted() {
  if (!state.symbol || !state.instrument) return [];
  return [
    { channel: "nbbo", symbol: state.symbol },
    { channel: "bars", symbol: state.symbol, interval: state.interval },
    { channel: "book", instrument: state.instrument, depth: 10 },
    { channel: "trades", instrument: state.instrument },
    { channel: "stats", instrument: state.instrument },
  ];
}

const stream = { socket: null, subscribed: [], retry: 500 };

function resubscribe() {
  const socket = stream.socket;
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  for (const s of stream.subscribed) socket.send(JSON.stringify({ op: "unsubscribe", ...s }));
  stream.subscribed = wanted();
  view.bars.clear();
  view.trades = [];
  view.stats.clear();
  $("chart-title").textContent = `${state.symbol} · ${state.interval} candles across venues`;
  for (const s of stream.subscribed) socket.send(JSON.stringify({ op: "subscribe", ...s }));
}

function onMessage(m) {
  $("status").textContent = "live · " + new Date().toISOString().slice(11, 19) + " UTC";
  $("status").className = "status";
  switch (m.type) {
    case "nbbo":
      if (m.symbol === state.symbol) renderNbbo(m);
      break;
    case "bars":
      for (const bar of m.bars) if (bar.symbol === state.symbol && bar.interval === state.interval) view.bars.set(bar.start, bar);
      redrawCandles();
      break;
    case "bar":
      if (m.symbol === state.symbol && m.interval === state.interval) {
        view.bars.set(m.start, m);
        redrawCandles();
      }
      break;
    case "book":
      if (m.instrument === state.instrument) renderBook(m);
      break;
    case "trade":
      if (m.instrument === state.instrument) {
        view.trades = [m, ...view.trades].slice(0, 15);
        renderTrades();
      }
      break;
    case "stats":
      if (m.instrument === state.instrument) {
        view.stats.set(m.window, m);
        renderStats();
      }
      break;
    case "error":
      console.warn("rtm:", m.code, m.message);
      break;
  }
}

function connect() {
  const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  stream.socket = socket;
  stream.subscribed = [];
  socket.onopen = () => {
    stream.retry = 500;
    if (key) socket.send(JSON.stringify({ op: "auth", key }));
    resubscribe();
  };
  socket.onmessage = (event) => onMessage(JSON.parse(event.data));
  socket.onclose = () => {
    $("status").textContent = "reconnecting…";
    $("status").className = "status bad";
    setTimeout(connect, stream.retry);
    stream.retry = Math.min(stream.retry * 2, 10000);
  };
}

async function refreshAlerts() {
  const { alerts } = await get("/v1/alerts?limit=10");
  fill("alerts", alerts.reverse().map((a) => [cell(time(a.ts_event)), cell(a.name || a.rule),
    cell(a.instrument || a.symbol), cell(a.severity), cell(fixed(a.observed, 2)), cell(fixed(a.threshold, 2))]));
}

// Instruments, feeds and alerts by REST; the market itself over the WebSocket.
async function tick() {
  try {
    const before = wanted();
    await refreshInstruments();
    await refreshAlerts();
    if (JSON.stringify(before) !== JSON.stringify(wanted())) resubscribe();
  } catch (error) {
    $("status").textContent = "waiting: " + error.message;
    $("status").className = "status bad";
  }
}

$("symbol").addEventListener("change", (e) => { state.symbol = e.target.value; state.instrument = null; $("instrument").replaceChildren(); tick(); });
$("instrument").addEventListener("change", (e) => { state.instrument = e.target.value; resubscribe(); });
$("interval").addEventListener("change", (e) => { state.interval = e.target.value; resubscribe(); });
tick().then(connect);
setInterval(tick, 2000);
