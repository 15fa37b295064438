#!/usr/bin/env python3
"""rtm normalize, run as a user would: venue fixtures and a capture file in,
JSON lines out, bad lines reported on stderr without stopping the tool."""
import json
import pathlib
import subprocess
import sys
import unittest

RTM = sys.argv[1] if len(sys.argv) > 1 else "rtm"
DATA = pathlib.Path(__file__).resolve().parent.parent / "data"


def normalize(*args, stdin=None):
    result = subprocess.run([RTM, "normalize", *args], input=stdin, capture_output=True, text=True, timeout=60)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return result.returncode, records, result.stderr


class NormalizeTest(unittest.TestCase):
    def test_binance_fixture(self):
        code, records, stderr = normalize("--venue", "binance", str(DATA / "venues/binance.jsonl"))
        self.assertEqual(code, 0, stderr)
        self.assertEqual(stderr, "")
        trades = [r for r in records if r["type"] == "trade"]
        self.assertEqual(len(trades), 2)
        first = trades[0]
        self.assertEqual(first["instrument"], "binance:BNBBTC")
        self.assertEqual(first["price"], "0.00100000")
        self.assertEqual(first["size"], "100.00000000")
        self.assertEqual(first["side"], "sell")
        self.assertEqual(first["trade_id"], 12345)
        self.assertEqual(first["ts_event"], 1672515782136 * 1_000_000)
        for key in ("seq", "ts_recv"):
            self.assertIn(key, first)
        self.assertEqual(trades[1]["instrument"], "binance:BTCUSDT")
        self.assertEqual(trades[1]["side"], "buy")
        bbo = [r for r in records if r["type"] == "bbo"][0]
        self.assertEqual((bbo["bid_price"], bbo["ask_size"]), ("25.35190000", "40.66000000"))
        self.assertFalse([r for r in records if r["type"] == "book_delta"], "no book before its snapshot")

    def test_coinbase_fixture(self):
        code, records, stderr = normalize("--venue", "coinbase", str(DATA / "venues/coinbase.jsonl"))
        self.assertEqual(code, 0, stderr)
        trade = [r for r in records if r["type"] == "trade"][0]
        self.assertEqual(trade["instrument"], "coinbase:BTC-USD")
        self.assertEqual(trade["side"], "buy", "a match carries the maker's side; the aggressor bought")
        self.assertEqual(trade["price"], "400.23000000")
        bbo = [r for r in records if r["type"] == "bbo"][0]
        self.assertEqual(bbo["instrument"], "coinbase:ETH-USD")
        deltas = [r for r in records if r["type"] == "book_delta"]
        self.assertTrue(deltas[0]["snapshot"])
        self.assertEqual(deltas[-1]["price"], "10101.80000000")
        self.assertFalse(deltas[-1]["snapshot"])

    def test_kraken_fixture(self):
        code, records, stderr = normalize("--venue", "kraken", str(DATA / "venues/kraken.jsonl"))
        self.assertEqual(code, 0, stderr)
        trade = [r for r in records if r["type"] == "trade"][0]
        self.assertEqual(trade["instrument"], "kraken:MATIC/USD")
        self.assertEqual(trade["side"], "sell")
        self.assertEqual(trade["price"], "0.51170000")

    def test_capture_with_rest_snapshot_and_book_top(self):
        code, records, stderr = normalize("--book-top", "2", str(DATA / "captures/binance_book.jsonl"))
        self.assertEqual(code, 0)
        self.assertIn("line 4:", stderr, "the bad line is reported with its number")
        books = [r for r in records if r["type"] == "book"]
        self.assertGreaterEqual(len(books), 2)
        # Snapshot at 100, then the buffered diff 99-101 (adds a 37000.10 bid),
        # then 102 removes 37000.00 and adds an ask at 37000.90.
        self.assertEqual(books[-1]["bids"], [["37000.10000000", "1.50000000"], ["36999.50000000", "1.00000000"]])
        self.assertEqual(books[-1]["asks"], [["37000.90000000", "0.25000000"], ["37001.00000000", "0.50000000"]])
        self.assertEqual(books[-1]["checksum"], "none")
        events = [r["event"] for r in records if r["type"] == "status"]
        self.assertEqual(events, ["book_ready", "gap", "resync"], "the jump from 102 to 110 is a gap")
        trade = [r for r in records if r["type"] == "trade"][0]
        self.assertEqual(trade["ts_recv"], 1700000000300000000)

    def test_stdin_and_errors(self):
        code, records, stderr = normalize("--venue", "binance", stdin='{"e":"trade"\nnot json\n{"e":"trade","s":"X"}\n')
        self.assertEqual(code, 0)
        self.assertEqual(records, [])
        self.assertIn("line 1:", stderr)
        self.assertIn("line 2:", stderr)
        self.assertIn("line 3: binance frame refused: trade without s, t or m", stderr)
        code, _, stderr = normalize("--venue", "nyse")
        self.assertNotEqual(code, 0)
        code, _, stderr = normalize("--venue", "binance", "/nonexistent/file")
        self.assertEqual(code, 1)
        self.assertIn("cannot read", stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
