#!/usr/bin/env python3
"""rtm run, as a newcomer starts it: the synthetic market through the real
adapters onto the bus, summaries, a clean stop on a signal."""
import os
import re
import signal
import subprocess
import sys
import time
import unittest

RTM = sys.argv[1] if len(sys.argv) > 1 else "rtm"
INSTRUMENTS = [f"{venue}:{symbol}" for venue, symbols in {
    "binance": ["BTCUSDT", "ETHUSDT", "SOLUSDT"],
    "coinbase": ["BTC-USD", "ETH-USD", "SOL-USD"],
    "kraken": ["BTC/USD", "ETH/USD", "SOL/USD"]}.items() for symbol in symbols]


def run(*args, env=None, timeout=120):
    return subprocess.run([RTM, "run", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def last_summary(stdout):
    """The rows of the final summary, by instrument."""
    final = stdout[stdout.rindex("instrument "):]
    rows = [line.split() for line in final.splitlines() if line.strip()]
    return {row[0]: row for row in rows if re.match(r"^[a-z]+:[A-Z]", row[0])}


class FinalBusLine:
    """The groups of a bus line, as re.Match.group would give them."""

    def __init__(self, groups):
        self.groups = groups

    def group(self, *indexes):
        values = tuple(self.groups[i - 1] for i in indexes)
        return values[0] if len(values) == 1 else values


class RunTest(unittest.TestCase):
    def test_synthetic_market_runs_through_every_adapter(self):
        result = run("--speed", "0", "--duration", "30")
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        rows = last_summary(result.stdout)
        self.assertEqual(sorted(rows), sorted(INSTRUMENTS))
        for name, row in rows.items():
            trades, deltas, gaps, bad = int(row[1]), int(row[3]), int(row[4]), int(row[5])
            self.assertGreater(trades, 100, name)
            self.assertGreater(deltas, 1000, name)
            self.assertEqual((gaps, bad), (0, 0), name)
            self.assertNotIn("stale", " ".join(row), name)
        self.assertIn(" 0 malformed", result.stdout)
        # The final line, after the reader has drained the bus (the periodic
        # ones may catch it a ring behind).
        lines = re.findall(r"bus: (\d+) records published, (\d+) delivered to its reader, (\d+) lost, (\d+) dropped",
                           result.stdout)
        self.assertTrue(lines, result.stdout)
        bus = FinalBusLine(lines[-1])
        self.assertEqual(bus.group(1), bus.group(2), "the reader gets every record ingest published")
        self.assertEqual(bus.group(3, 4), ("0", "0"))
        # The stream side read the same records: bars and the best bid/offer of
        # each symbol across the three venues.
        stream = re.findall(r"stream: (\d+) bars final, (\d+) best bid/offer updates, (\d+) statistics",
                            result.stdout)
        self.assertTrue(stream, result.stdout)
        self.assertTrue(all(int(count) > 0 for count in stream[-1]), stream[-1])
        final = result.stdout[result.stdout.rindex("symbol "):]
        for symbol in ("BTC-USD", "ETH-USD", "SOL-USD"):
            row = re.search(rf"^{symbol} +(\d+\.\d+) (\w+) +(\d+\.\d+) (\w+) +(\w+)", final, re.MULTILINE)
            self.assertIsNotNone(row, final)
            self.assertIn(row.group(2), ("binance", "coinbase", "kraken"))
            self.assertIn(row.group(5), ("normal", "locked", "crossed"))

    def test_a_seed_gives_the_same_market(self):
        first = run("--speed", "0", "--duration", "10", env={"RTM_SEED": "7"})
        again = run("--speed", "0", "--duration", "10", "--seed", "7")
        other = run("--speed", "0", "--duration", "10", "--seed", "8")
        self.assertEqual(last_summary(first.stdout), last_summary(again.stdout))
        self.assertNotEqual(last_summary(first.stdout), last_summary(other.stdout))

    def test_lost_messages_show_as_gaps_and_resyncs(self):
        result = run("--speed", "0", "--duration", "30", "--loss", "0.01")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = last_summary(result.stdout)
        self.assertGreater(sum(int(row[4]) + int(row[5]) for row in rows.values()), 0, "gaps or checksum failures")
        self.assertGreater(sum(int(row[6]) for row in rows.values()), 0, "resyncs")

    def test_stops_cleanly_on_sigterm(self):
        process = subprocess.Popen([RTM, "run", "--summary-every", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, stderr)
        self.assertIn("stopped after", stdout)
        self.assertGreaterEqual(stdout.count("bus: "), 2, "periodic summaries, then the last one")

    def test_bad_options(self):
        self.assertEqual(run("--speed", "fast").returncode, 2)
        self.assertEqual(run("--feed", "nasdaq").returncode, 2)
        self.assertEqual(run("--bogus").returncode, 2)
        self.assertEqual(run(env={"RTM_LOSS": "2"}).returncode, 2)
        self.assertEqual(run("--feed", "replay:/nonexistent").returncode, 1)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
