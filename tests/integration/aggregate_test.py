#!/usr/bin/env python3
"""rtm aggregate, as an analyst runs it on a capture: bars equal to ones
computed here from rtm normalize's trades, byte-identical output on a second
run, late trades published as revisions, and a sane best bid/offer."""
import collections
import decimal
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

RTM = sys.argv[1] if len(sys.argv) > 1 else "rtm"
MINUTE = 60 * 10**9
SPAN = {"1s": 10**9, "1m": MINUTE}


def journal_bytes(directory):
    if not os.path.isdir(directory):
        return 0
    return sum(os.path.getsize(os.path.join(directory, name)) for name in os.listdir(directory))


def rtm(*args, timeout=300):
    return subprocess.run([RTM, *args], capture_output=True, text=True, timeout=timeout)


def canonical(instrument):
    """The canonical symbol rtm derives for the synthetic market's instruments."""
    venue, symbol = instrument.split(":", 1)
    if venue == "binance":
        return symbol[:-4] + "-" + symbol[-4:] if symbol.endswith("USDT") else symbol
    return symbol.replace("/", "-")


def reference_bars(trades):
    """1m bars per instrument and per canonical symbol, from the trades alone."""
    buckets = collections.defaultdict(list)
    for order, trade in enumerate(trades):
        start = trade["ts_event"] // MINUTE * MINUTE
        buckets[("instrument", trade["instrument"], start)].append((trade["ts_event"], order, trade))
        buckets[("symbol", canonical(trade["instrument"]), start)].append((trade["ts_event"], order, trade))
    bars = {}
    for key, rows in buckets.items():
        rows.sort(key=lambda row: (row[0], row[1]))
        prices = [decimal.Decimal(row[2]["price"]) for row in rows]
        sizes = [decimal.Decimal(row[2]["size"]) for row in rows]
        price_places = max(-p.as_tuple().exponent for p in prices)
        volume = sum(sizes)
        vwap = sum(p * s for p, s in zip(prices, sizes)) / volume
        bars[key] = {
            "open": prices[0], "high": max(prices), "low": min(prices), "close": prices[-1],
            "volume": volume, "trades": len(rows),
            "buy_volume": sum(s for s, row in zip(sizes, rows) if row[2]["side"] == "buy"),
            "sell_volume": sum(s for s, row in zip(sizes, rows) if row[2]["side"] == "sell"),
            "vwap": vwap.quantize(decimal.Decimal(1).scaleb(-price_places), rounding=decimal.ROUND_HALF_UP),
        }
    return bars


def coinbase_match(ts_recv, sequence, time, price, size, side):
    frame = {"type": "match", "trade_id": sequence, "sequence": sequence, "maker_order_id": "a",
             "taker_order_id": "b", "time": time, "product_id": "BTC-USD", "size": size, "price": price,
             "side": side}
    return json.dumps({"ts_recv": ts_recv, "venue": "coinbase", "channel": "ws",
                       "url": "wss://ws-feed.exchange.coinbase.com", "frame": frame})


class AggregateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        cls.capture = os.path.join(cls.directory.name, "market.jsonl")
        recorded = rtm("record", "--feed", "synthetic", "--speed", "0", "--duration", "150", "--out", cls.capture)
        assert recorded.returncode == 0, recorded.stderr

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_bars_equal_the_trades_aggregated_independently(self):
        result = rtm("aggregate", "--interval", "1m", self.capture)
        self.assertEqual(result.returncode, 0, result.stderr)
        bars = [json.loads(line) for line in result.stdout.splitlines()]
        normalized = rtm("normalize", self.capture)
        self.assertEqual(normalized.returncode, 0, normalized.stderr)
        trades = [r for r in map(json.loads, normalized.stdout.splitlines()) if r["type"] == "trade"]
        expected = reference_bars(trades)
        got = {}
        for bar in bars:
            self.assertEqual(bar["type"], "bar")
            self.assertEqual(bar["interval"], "1m")
            self.assertTrue(bar["final"])
            self.assertEqual(bar["revision"], 0, "the synthetic market has no late trades")
            kind = "symbol" if "symbol" in bar else "instrument"
            key = (kind, bar[kind], bar["start"])
            self.assertNotIn(key, got, "one final bar per bucket")
            got[key] = bar
        self.assertEqual(set(got), set(expected))
        self.assertEqual({key[1] for key in got if key[0] == "symbol"},
                         {"BTC-USD", "ETH-USD", "SOL-USD", "BTC-USDT", "ETH-USDT", "SOL-USDT"})
        for key, want in expected.items():
            bar = got[key]
            for field in ("open", "high", "low", "close", "volume", "buy_volume", "sell_volume", "vwap"):
                self.assertEqual(decimal.Decimal(bar[field]), want[field], (key, field))
            self.assertEqual(bar["trades"], want["trades"], key)

    def test_the_same_capture_gives_byte_identical_output(self):
        every = ("--interval", "1s,1m,5m", "--nbbo", "--stats",
                 "--alerts", "price_move:1m:0.1,wide_spread:3,volume_spike:1m:1.5:5,stale_feed:2s,crossed_market:5")
        first = rtm("aggregate", *every, self.capture)
        again = rtm("aggregate", *every, self.capture)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertGreater(len(first.stdout.splitlines()), 1000)
        self.assertEqual(first.stdout, again.stdout)

    def test_best_bid_offer_across_venues(self):
        result = rtm("aggregate", "--nbbo", self.capture)
        self.assertEqual(result.returncode, 0, result.stderr)
        records = [json.loads(line) for line in result.stdout.splitlines()]
        nbbo = [r for r in records if r["type"] == "nbbo"]
        self.assertGreater(len(nbbo), 1000)
        btc = [r for r in nbbo if r["symbol"] == "BTC-USD"]
        # (None: a side no live book has, before the first snapshots.)
        self.assertEqual({r["bid_venue"] for r in btc} | {r["ask_venue"] for r in btc}, {"coinbase", "kraken", None})
        self.assertLess(sum(r["condition"] == "empty" for r in btc), 5, "empty only until the books are live")
        self.assertIn(2, {r["venues"] for r in btc}, "both venues' books count once they are live")
        for r in nbbo:
            if r["condition"] in ("normal", "locked", "crossed"):
                bid, ask = decimal.Decimal(r["bid_price"]), decimal.Decimal(r["ask_price"])
                want = "normal" if bid < ask else "locked" if bid == ask else "crossed"
                self.assertEqual(r["condition"], want, r)
        # Consecutive records of a symbol differ: published only on change.
        last = {}
        for r in nbbo:
            body = {k: v for k, v in r.items() if k not in ("seq", "ts_event", "ts_recv")}
            self.assertNotEqual(last.get(r["symbol"]), body)
            last[r["symbol"]] = body

    def test_rolling_statistics(self):
        result = rtm("aggregate", "--stats", "1m", self.capture)
        self.assertEqual(result.returncode, 0, result.stderr)
        stats = [r for r in map(json.loads, result.stdout.splitlines()) if r["type"] == "stats"]
        normalized = rtm("normalize", self.capture)
        prices = collections.defaultdict(set)
        for r in map(json.loads, normalized.stdout.splitlines()):
            if r["type"] == "trade":
                prices[r["instrument"]].add(r["price"])
        self.assertEqual({r["instrument"] for r in stats}, set(prices), "every instrument that trades")
        per_instrument = collections.Counter(r["instrument"] for r in stats)
        for instrument, count in per_instrument.items():
            self.assertGreater(count, 60, "about once a second of the capture's 150")
            self.assertLessEqual(count, 151)
        for r in stats:
            self.assertEqual(r["window"], "1m")
            self.assertIn(r["last_price"], prices[r["instrument"]])
            self.assertGreaterEqual(r["realized_volatility"], 0)
            self.assertGreater(r["trades_per_second"], 0)
            self.assertLess(abs(r["change_bps"]), 500, "the synthetic market moves a few bps a minute")
            self.assertGreaterEqual(r["spread_bps"], 0)
            self.assertLessEqual(abs(r["book_imbalance"]), 1)
        self.assertTrue(any(r["spread_bps"] > 0 for r in stats), "spreads from the live books")

    def test_a_late_trade_publishes_a_revision(self):
        lines = [
            coinbase_match(1, 1, "2026-01-05T10:00:01.000000Z", "100.00", "1.0", "sell"),
            coinbase_match(2, 2, "2026-01-05T10:00:30.000000Z", "102.00", "1.0", "buy"),
            coinbase_match(3, 3, "2026-01-05T10:01:05.000000Z", "101.00", "2.0", "buy"),  # 10:00 now final
            coinbase_match(4, 4, "2026-01-05T10:00:50.000000Z", "99.00", "2.0", "sell"),  # late for 10:00
        ]
        path = os.path.join(self.directory.name, "late.jsonl")
        with open(path, "w") as file:
            file.write("\n".join(lines) + "\n")
        result = rtm("aggregate", "--interval", "1m", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        bars = [json.loads(line) for line in result.stdout.splitlines()]
        ten = [b for b in bars if b.get("instrument") == "coinbase:BTC-USD" and b["start"] % (60 * MINUTE) == 0]
        self.assertEqual([(b["revision"], b["trades"], b["low"], b["close"]) for b in ten],
                         [(0, 2, "100.00000000", "102.00000000"), (1, 3, "99.00000000", "99.00000000")])
        self.assertTrue(all(b["final"] for b in ten))
        self.assertIn("2 revisions", result.stderr, "the instrument's bar and its symbol's")

    def test_alerts(self):
        lines = [coinbase_match(i, i, f"2026-01-05T10:00:{i:02d}.000000Z", price, "1.0", "buy")
                 for i, price in enumerate(["100.00", "100.50", "101.00", "103.10", "103.20"], start=1)]
        path = os.path.join(self.directory.name, "jump.jsonl")
        with open(path, "w") as file:
            file.write("\n".join(lines) + "\n")
        result = rtm("aggregate", "--stats", "1m", "--alerts", "price_move:1m:3@critical", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        alerts = [r for r in map(json.loads, result.stdout.splitlines()) if r["type"] == "alert"]
        self.assertEqual(len(alerts), 1, "once, when the move passes 3%")
        alert = alerts[0]
        self.assertEqual((alert["rule"], alert["instrument"], alert["severity"], alert["window"]),
                         ("price_move", "coinbase:BTC-USD", "critical", "1m"))
        self.assertAlmostEqual(alert["observed"], 3.1, places=9)
        self.assertEqual(alert["threshold"], 3)
        self.assertEqual(rtm("aggregate", "--alerts", "price_move:soon", path).returncode, 2)

    def run_journaled(self, journal, *extra):
        return subprocess.Popen([RTM, "run", "--feed", "replay:" + self.capture, "--journal", journal,
                                 "--summary-every", "100", *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def test_a_journal_aggregates_as_its_capture(self):
        journal = os.path.join(self.directory.name, "journal-whole")
        run = self.run_journaled(journal, "--speed", "0")
        out, err = run.communicate(timeout=300)
        self.assertEqual(run.returncode, 0, err + out[-3000:])
        # rtm run counts BTCUSDT as BTC-USD (its --symbols); the capture's
        # aggregate is told the same.
        same_symbols = ("--canonical", "binance:BTCUSDT=BTC-USD,binance:ETHUSDT=ETH-USD,binance:SOLUSDT=SOL-USD")
        every = ("--interval", "1s,1m", "--nbbo", "--stats", "--alerts", "wide_spread:3,crossed_market:5")
        from_journal = rtm("aggregate", *every, journal)
        from_capture = rtm("aggregate", *every, *same_symbols, self.capture)
        self.assertEqual(from_journal.returncode, 0, from_journal.stderr)
        self.assertEqual(from_capture.returncode, 0, from_capture.stderr)
        self.assertGreater(len(from_journal.stdout.splitlines()), 1000)
        self.assertEqual(from_journal.stdout, from_capture.stdout)
        symbols = {json.loads(line).get("symbol") for line in from_journal.stdout.splitlines()}
        self.assertEqual(symbols - {None}, {"BTC-USD", "ETH-USD", "SOL-USD"}, "names from the journal's definitions")
        self.assertEqual(rtm("aggregate", "--canonical", "BTCUSDT", self.capture).returncode, 2)

    def test_a_killed_run_leaves_a_journal_that_recovers(self):
        journal = os.path.join(self.directory.name, "journal-killed")
        run = self.run_journaled(journal, "--speed", "30")
        # Killed once the journal holds a few MB (a third of the run's, about
        # 300 final bars), however long a busy machine takes to get there.
        deadline = time.time() + 120
        while journal_bytes(journal) < 4_000_000 and time.time() < deadline and run.poll() is None:
            time.sleep(0.05)
        self.assertIsNone(run.poll(), "still running when killed")
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=60)
        killed = rtm("aggregate", "--interval", "1s,1m", journal)
        self.assertEqual(killed.returncode, 0, killed.stderr)
        whole = rtm("aggregate", "--interval", "1s,1m", "--canonical",
                    "binance:BTCUSDT=BTC-USD,binance:ETHUSDT=ETH-USD,binance:SOLUSDT=SOL-USD", self.capture)
        killed_bars = [json.loads(line) for line in killed.stdout.splitlines()]
        whole_bars = {(b.get("instrument") or b.get("symbol"), b["interval"], b["start"]): b
                      for b in map(json.loads, whole.stdout.splitlines())}
        # Event time had reached the newest bar's start when the kill came:
        # every bar that was final by then (its end plus the 2 s of lateness
        # passed) is what the undisturbed run made. Those after it were
        # closed early by the end of the journal.
        reached = max(bar["start"] for bar in killed_bars)
        compared = 0
        for bar in killed_bars:
            if bar["start"] + SPAN[bar["interval"]] + 2 * 10**9 <= reached:
                self.assertEqual(bar, whole_bars[(bar.get("instrument") or bar.get("symbol"), bar["interval"],
                                                  bar["start"])])
                compared += 1
        self.assertGreater(compared, 100)
        self.assertLess(compared, len(whole_bars) - 100, "killed part way through")

        # A restart recovers the journal (cutting a torn tail, if the kill
        # left one) and goes on; what was recovered aggregates as before.
        empty = os.path.join(self.directory.name, "empty.jsonl")
        open(empty, "w").close()
        restarted = subprocess.run([RTM, "run", "--feed", "replay:" + empty, "--journal", journal],
                                   capture_output=True, text=True, timeout=120)
        self.assertEqual(restarted.returncode, 0, restarted.stderr)
        self.assertRegex(restarted.stdout, r"journal .*: [1-9][0-9]* records recovered")
        again = rtm("aggregate", "--interval", "1s,1m", journal)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(again.stdout, killed.stdout)
        self.assertNotIn("torn", again.stderr)

    def test_bad_options_and_input(self):
        self.assertEqual(rtm("aggregate", "--interval", "fortnight", self.capture).returncode, 2)
        self.assertEqual(rtm("aggregate", "--interval", "0s", self.capture).returncode, 2)
        self.assertEqual(rtm("aggregate", "--bogus").returncode, 2)
        self.assertEqual(rtm("aggregate", "--stats", "0s", self.capture).returncode, 2)
        self.assertEqual(rtm("aggregate", "/nonexistent").returncode, 1)
        path = os.path.join(self.directory.name, "bad.jsonl")
        with open(path, "w") as file:
            file.write("not json\n" + coinbase_match(1, 1, "2026-01-05T10:00:01Z", "100", "1", "buy") + "\n")
        result = rtm("aggregate", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("line 1", result.stderr)
        self.assertEqual(len(result.stdout.splitlines()), 2, "the good line still makes its bars")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
