#!/usr/bin/env python3
"""The REST API and the dashboard's files, against a running `rtm run` on the
synthetic market, as an analyst with curl or pandas uses them: every route,
CSV, paging, and every error path with its status and JSON error body."""
import concurrent.futures
import csv
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import unittest
import urllib.parse

RTM = sys.argv[1] if len(sys.argv) > 1 else "rtm"


def start_rtm(*extra):
    """rtm run on a free port: the process and its port."""
    process = subprocess.Popen([RTM, "run", "--listen", "127.0.0.1:0", "--speed", "20", "--summary-every", "1000",
                                *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = ""
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        match = re.search(r"Dashboard at http://127\.0\.0\.1:(\d+)/", line)
        if match:
            return process, int(match.group(1))
    process.kill()
    raise AssertionError("rtm run did not say where its API is: " + line)


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.process, cls.port = start_rtm()
        # Wait until every venue's books are live and bars are coming.
        deadline = time.time() + 60
        while time.time() < deadline:
            status, body = cls.get_json("/v1/instruments")
            if status == 200 and len(body["instruments"]) == 9 and all(
                    i["book"] == "live" for i in body["instruments"]):
                # Enough 1s bars for the tests that ask for five.
                bars_status, bars = cls.get_json("/v1/bars?symbol=BTC-USD&interval=1s")
                if bars_status == 200 and len(bars["bars"]) >= 10:
                    break
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.process.terminate()
        cls.process.communicate(timeout=60)

    @classmethod
    def request(cls, path, method="GET", headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", cls.port, timeout=10)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response, data

    @classmethod
    def get_json(cls, path):
        response, data = cls.request(path)
        return response.status, json.loads(data) if data else None

    def assert_error(self, path, status, code, mentions=None):
        got, body = self.get_json(path)
        self.assertEqual(got, status, (path, body))
        self.assertEqual(set(body), {"error"})
        self.assertEqual(body["error"]["code"], code, path)
        self.assertTrue(body["error"]["message"])
        if mentions:
            self.assertIn(mentions, body["error"]["message"], path)

    def test_health_and_readiness(self):
        self.assertEqual(self.get_json("/healthz"), (200, {"status": "ok"}))
        self.assertEqual(self.get_json("/readyz"), (200, {"status": "ready"}))

    def test_instruments(self):
        status, body = self.get_json("/v1/instruments")
        self.assertEqual(status, 200)
        by_name = {i["instrument"]: i for i in body["instruments"]}
        self.assertEqual(set(by_name), {f"{venue}:{symbol}" for venue, symbols in {
            "binance": ["BTCUSDT", "ETHUSDT", "SOLUSDT"], "coinbase": ["BTC-USD", "ETH-USD", "SOL-USD"],
            "kraken": ["BTC/USD", "ETH/USD", "SOL/USD"]}.items() for symbol in symbols})
        self.assertEqual(by_name["binance:BTCUSDT"]["canonical"], "BTC-USD", "rtm run's symbol map")
        self.assertEqual(by_name["kraken:BTC/USD"]["price_scale"], 1, "Kraken's precision, from its instrument channel")
        self.assertEqual(by_name["kraken:BTC/USD"]["tick_size"], "0.1")

    def test_trades_pages_and_csv(self):
        instrument = urllib.parse.quote("kraken:ETH/USD")
        status, first = self.get_json(f"/v1/trades?instrument={instrument}&limit=5")
        self.assertEqual(status, 200)
        self.assertEqual(len(first["trades"]), 5)
        self.assertTrue(first["next_cursor"])
        for trade in first["trades"]:
            self.assertEqual(trade["instrument"], "kraken:ETH/USD")
            self.assertIsInstance(trade["price"], str, "decimals as strings")
            self.assertIn(trade["side"], ("buy", "sell"))
        _, second = self.get_json(f"/v1/trades?instrument={instrument}&limit=5&cursor={first['next_cursor']}")
        _, both = self.get_json(f"/v1/trades?instrument={instrument}&limit=10")
        self.assertEqual(first["trades"] + second["trades"], both["trades"], "pages follow on without gap or repeat")
        # A time range, in RFC 3339 and in ns.
        start = both["trades"][2]["ts_event"]
        end = both["trades"][7]["ts_event"]
        _, ranged = self.get_json(f"/v1/trades?instrument={instrument}&from={start}&to={end}")
        self.assertTrue(all(start <= t["ts_event"] < end for t in ranged["trades"]))
        self.assertIsNone(ranged["next_cursor"], "the whole range fitted")
        rfc = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start // 10**9)) + "Z"
        self.assertEqual(self.get_json(f"/v1/trades?instrument={instrument}&from={rfc}&limit=1")[0], 200)
        # The newest first.
        _, tape = self.get_json(f"/v1/trades?instrument={instrument}&order=desc&limit=20")
        times = [t["ts_event"] for t in tape["trades"]]
        self.assertEqual(times, sorted(times, reverse=True))
        # CSV, as pandas.read_csv takes it.
        response, data = self.request(f"/v1/trades?instrument={instrument}&limit=10&format=csv")
        self.assertEqual(response.status, 200)
        self.assertTrue(response.getheader("Content-Type").startswith("text/csv"))
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        self.assertEqual([r["price"] for r in rows], [t["price"] for t in both["trades"]])

    def test_bars_by_instrument_and_symbol(self):
        status, body = self.get_json("/v1/bars?symbol=BTC-USD&interval=1s&limit=50")
        self.assertEqual(status, 200)
        bars = body["bars"]
        self.assertGreater(len(bars), 1)
        self.assertLessEqual(len(bars), 50)
        starts = [b["start"] for b in bars]
        self.assertEqual(starts, sorted(starts))
        self.assertTrue(all(s % 10**9 == 0 for s in starts), "aligned to the second")
        self.assertTrue(all(b["symbol"] == "BTC-USD" and b["interval"] == "1s" for b in bars))
        self.assertTrue(any(b["final"] for b in bars))
        for b in bars:
            self.assertLessEqual(float(b["low"]), float(b["open"]))
            self.assertGreaterEqual(float(b["high"]), float(b["close"]))
        _, own = self.get_json("/v1/bars?instrument=coinbase:BTC-USD&interval=1s&limit=3")
        self.assertTrue(all(b["instrument"] == "coinbase:BTC-USD" for b in own["bars"]))
        response, data = self.request("/v1/bars?symbol=BTC-USD&interval=1s&limit=5&format=csv")
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        self.assertEqual(len(rows), 5)
        self.assertEqual(set(rows[0]), {"start", "open", "high", "low", "close", "volume", "vwap", "trades",
                                        "buy_volume", "sell_volume", "final", "revision"})

    def test_book_nbbo_stats_alerts(self):
        status, book = self.get_json("/v1/book?instrument=binance:ETHUSDT&depth=5")
        self.assertEqual(status, 200)
        self.assertEqual(book["status"], "live")
        self.assertEqual(len(book["bids"]), 5)
        bids = [float(price) for price, _ in book["bids"]]
        asks = [float(price) for price, _ in book["asks"]]
        self.assertEqual(bids, sorted(bids, reverse=True))
        self.assertEqual(asks, sorted(asks))
        self.assertLess(bids[0], asks[0])
        status, nbbo = self.get_json("/v1/nbbo?symbol=ETH-USD")
        self.assertEqual(status, 200)
        self.assertEqual(nbbo["symbol"], "ETH-USD")
        self.assertIn(nbbo["bid_venue"], ("binance", "coinbase", "kraken"))
        self.assertEqual(nbbo["venues"], 3)
        status, stats = self.get_json("/v1/stats?instrument=coinbase:SOL-USD")
        self.assertEqual(status, 200)
        self.assertEqual({s["window"] for s in stats["stats"]}, {"1m", "5m", "1h"})
        status, alerts = self.get_json("/v1/alerts?limit=5")
        self.assertEqual(status, 200)
        self.assertLessEqual(len(alerts["alerts"]), 5)

    def test_errors(self):
        self.assert_error("/v1/nope", 404, "not_found")
        self.assert_error("/v1/trades", 400, "bad_parameter", "'instrument' is required")
        self.assert_error("/v1/trades?instrument=BTCUSDT", 400, "bad_parameter", "venue:SYMBOL")
        self.assert_error("/v1/trades?instrument=binance:DOGEUSDT", 404, "unknown_instrument")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&limit=0", 400, "bad_parameter", "'limit'")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&limit=ten", 400, "bad_parameter", "'limit'")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&from=yesterday", 400, "bad_parameter", "'from'")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&from=10&to=5", 400, "bad_parameter", "'from'")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&cursor=x", 400, "bad_parameter", "'cursor'")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&format=xml", 400, "bad_parameter", "'format'")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&instrumnet=x", 400, "bad_parameter", "instrumnet")
        self.assert_error("/v1/trades?instrument=binance:BTCUSDT&instrument=binance:ETHUSDT", 400, "bad_parameter",
                          "twice")
        self.assert_error("/v1/trades?instrument=binance%ZZ", 400, "bad_parameter", "%-escape")
        self.assert_error("/v1/bars?symbol=DOGE-USD", 404, "unknown_symbol")
        self.assert_error("/v1/bars?symbol=BTC-USD&interval=fortnight", 400, "bad_parameter", "'interval'")
        self.assert_error("/v1/bars?symbol=BTC-USD&instrument=binance:BTCUSDT", 400, "bad_parameter", "not both")
        self.assert_error("/v1/book?instrument=binance:BTCUSDT&depth=1000", 400, "bad_parameter", "'depth'")
        self.assert_error("/v1/nbbo", 400, "bad_parameter", "'symbol'")
        self.assert_error("/v1/alerts?since=never", 400, "bad_parameter", "'since'")
        response, data = self.request("/v1/instruments", method="DELETE")
        self.assertEqual(response.status, 405)
        self.assertEqual(response.getheader("Allow"), "GET, HEAD")
        self.assertEqual(json.loads(data)["error"]["code"], "method_not_allowed")

    def test_oversized_requests(self):
        response, data = self.request("/v1/instruments", headers={"X-Padding": "x" * 20000})
        self.assertEqual(response.status, 431)
        self.assertEqual(json.loads(data)["error"]["code"], "header_too_large")
        response, data = self.request("/v1/instruments", method="POST", body=b"x" * 200000)
        self.assertEqual(response.status, 413)
        self.assertEqual(json.loads(data)["error"]["code"], "body_too_large")
        # Not HTTP at all: a 400, and the server carries on.
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            raw.sendall(b"\x16\x03\x01 hello, this is not http\r\n\r\n")
            answer = raw.recv(4096)
        self.assertIn(b" 400 ", answer.split(b"\r\n")[0])
        self.assertEqual(self.get_json("/healthz")[0], 200)

    def test_keep_alive_and_head(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for _ in range(3):
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            self.assertEqual(response.read(), b'{"status":"ok"}')
        connection.request("HEAD", "/v1/instruments")
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.read(), b"")
        connection.close()

    def test_metrics_pass_promtool(self):
        self.request("/v1/bars?symbol=BTC-USD&interval=1s&limit=1")
        deadline = time.time() + 20
        while True:  # ingest's counters are taken once a second
            response, data = self.request("/metrics")
            if b'rtm_feed_records_total{venue="kraken"}' in data or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(response.status, 200)
        self.assertTrue(response.getheader("Content-Type").startswith("text/plain; version=0.0.4"))
        checked = subprocess.run(["promtool", "check", "metrics"], input=data, capture_output=True)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        text = data.decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        for venue in ("binance", "coinbase", "kraken"):
            self.assertGreater(values[f'rtm_feed_records_total{{venue="{venue}"}}'], 0)
            self.assertIn(f'rtm_feed_gaps_total{{venue="{venue}"}}', values)
            self.assertGreater(values[f'rtm_venue_latency_seconds_count{{venue="{venue}"}}'], 0)
        self.assertGreater(values["rtm_bus_published_total"], 0)
        self.assertEqual(values["rtm_bus_dropped_total"], 0)
        self.assertGreater(values["rtm_stream_records_total"], 0)
        self.assertEqual(values['rtm_book_live{instrument="kraken:BTC/USD"}'], 1)
        self.assertGreater(values['rtm_http_request_duration_seconds_count{route="/v1/bars"}'], 0)
        for family in ("rtm_ws_clients", "rtm_ws_dropped_total", "rtm_client_latency_seconds_count",
                       "rtm_http_requests_total", "rtm_bus_lag_records", "rtm_feed_checksum_failures_total"):
            self.assertTrue(any(name.startswith(family) for name in values), family)

    def test_openapi_describes_every_route(self):
        status, document = self.get_json("/openapi.json")
        self.assertEqual(status, 200)
        self.assertTrue(document["openapi"].startswith("3."))
        self.assertEqual(set(document["paths"]), {"/v1/instruments", "/v1/trades", "/v1/bars", "/v1/book", "/v1/nbbo",
                                                  "/v1/stats", "/v1/alerts", "/healthz", "/readyz", "/metrics",
                                                  "/openapi.json", "/ws"})
        for path, item in document["paths"].items():
            if path == "/ws":
                continue
            response, _ = self.request(path)
            self.assertNotEqual(response.status, 404, path)
            documented = {p["name"] for p in item["get"].get("parameters", [])}
            if path.startswith("/v1/") and path != "/v1/instruments":
                # Every parameter the route takes is documented: an unknown one is refused.
                response, _ = self.request(path + "?undocumented=1")
                self.assertEqual(response.status, 400, path)
                self.assertTrue(documented, path)
            for code in item["get"]["responses"]:
                self.assertRegex(code, r"^[1-5]\d\d$")

    def test_dashboard_files(self):
        for path, kind in (("/", "text/html"), ("/app.js", "text/javascript"), ("/style.css", "text/css")):
            response, data = self.request(path)
            self.assertEqual(response.status, 200, path)
            self.assertTrue(response.getheader("Content-Type").startswith(kind), path)
            self.assertGreater(len(data), 500, path)
        _, page = self.request("/")
        self.assertIn(b'<script src="/app.js">', page)


class SecuredApiTest(unittest.TestCase):
    """rtm run with API keys, CORS origins and /metrics protected."""

    @classmethod
    def setUpClass(cls):
        cls.process, cls.port = start_rtm("--api-keys", "alpha-key,beta-key", "--cors-origins", "https://desk.example",
                                          "--protect-metrics")
        time.sleep(1)

    tearDownClass = classmethod(ApiTest.tearDownClass.__func__)

    request = classmethod(ApiTest.request.__func__)
    get_json = classmethod(ApiTest.get_json.__func__)

    def test_a_key_is_required(self):
        response, data = self.request("/v1/instruments")
        self.assertEqual(response.status, 401)
        self.assertEqual(response.getheader("WWW-Authenticate"), "Bearer")
        self.assertEqual(json.loads(data)["error"]["code"], "unauthorized")
        response, _ = self.request("/v1/instruments", headers={"Authorization": "Bearer wrong"})
        self.assertEqual(response.status, 401)
        response, data = self.request("/v1/instruments", headers={"Authorization": "Bearer alpha-key"})
        self.assertEqual(response.status, 200)
        self.assertTrue(json.loads(data)["instruments"])
        # Health and the dashboard stay open; /metrics was asked to be protected.
        self.assertEqual(self.request("/healthz")[0].status, 200)
        self.assertEqual(self.request("/")[0].status, 200)
        self.assertEqual(self.request("/metrics")[0].status, 401)
        self.assertEqual(self.request("/metrics", headers={"Authorization": "Bearer beta-key"})[0].status, 200)

    def test_each_key_has_its_rate(self):
        # The key may make 50 requests a second, in bursts of 100. From 16
        # connections at once, until the first is refused: however much a
        # busy machine slows each request down, the burst outruns the refill
        # once it is long enough, as long as the server answers more than 50
        # a second. (A fixed count of requests did not always suffice.)
        refused = []
        def status(_):
            if refused:
                return None
            response, data = self.request("/v1/instruments", headers={"Authorization": "Bearer beta-key"})
            if response.status == 429:
                refused.append((response, data))
            return response.status
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            statuses = [code for code in pool.map(status, range(3000)) if code is not None]
        self.assertIn(429, statuses, "a burst over the key's rate is refused")
        self.assertIn(200, statuses)
        response, data = refused[0]
        self.assertEqual(response.getheader("Retry-After"), "1")
        self.assertEqual(json.loads(data)["error"]["code"], "rate_limited")
        # Another key is not held back by this one.
        self.assertEqual(self.request("/v1/instruments", headers={"Authorization": "Bearer alpha-key"})[0].status, 200)

    def test_cors(self):
        allowed = {"Origin": "https://desk.example", "Authorization": "Bearer alpha-key"}
        response, _ = self.request("/v1/instruments", headers=allowed)
        self.assertEqual(response.getheader("Access-Control-Allow-Origin"), "https://desk.example")
        response, _ = self.request("/v1/instruments", headers={"Origin": "https://evil.example",
                                                               "Authorization": "Bearer alpha-key"})
        self.assertIsNone(response.getheader("Access-Control-Allow-Origin"))
        response, _ = self.request("/v1/bars", method="OPTIONS", headers={"Origin": "https://desk.example",
                                                                          "Access-Control-Request-Method": "GET"})
        self.assertEqual(response.status, 204)
        self.assertIn("Authorization", response.getheader("Access-Control-Allow-Headers"))
        response, _ = self.request("/v1/bars", method="OPTIONS", headers={"Origin": "https://evil.example"})
        self.assertEqual(response.status, 403)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
