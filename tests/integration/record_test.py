#!/usr/bin/env python3
"""rtm record, then rtm replay and rtm normalize on what it wrote: a capture
must give back exactly the records the recorded session normalized."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

RTM = sys.argv[1] if len(sys.argv) > 1 else "rtm"


def rtm(*args, timeout=120, env=None):
    return subprocess.run([RTM, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def summary_rows(text):
    rows = [line.split() for line in text.splitlines() if line.strip()]
    last = max(i for i, row in enumerate(rows) if row[0] == "instrument")
    return [row for row in rows[last + 1:] if ":" in row[0] and not row[0].startswith("frames")]


class RecordTest(unittest.TestCase):
    def test_a_recorded_session_replays_to_the_same_records(self):
        with tempfile.TemporaryDirectory() as directory:
            capture = os.path.join(directory, "session.jsonl")
            recorded = rtm("record", "--feed", "synthetic", "--speed", "0", "--duration", "10", "--out", capture)
            self.assertEqual(recorded.returncode, 0, recorded.stderr)
            with open(capture) as file:
                lines = [json.loads(line) for line in file]
            self.assertGreater(len(lines), 1000)
            for line in lines[:50]:
                self.assertEqual(set(line), {"ts_recv", "venue", "channel", "url", "frame"})
            self.assertEqual({line["venue"] for line in lines}, {"binance", "coinbase", "kraken"})
            self.assertIn("rest", {line["channel"] for line in lines}, "Binance's snapshots are recorded")

            replayed = rtm("replay", "--max", capture)
            self.assertEqual(replayed.returncode, 0, replayed.stderr)
            self.assertEqual(summary_rows(replayed.stderr), summary_rows(recorded.stderr))

            normalized = rtm("normalize", capture)
            self.assertEqual(normalized.returncode, 0)
            self.assertEqual(normalized.stderr, "", "every recorded line normalizes")
            replayed_json = rtm("replay", "--max", "--json", capture)
            self.assertEqual(replayed_json.stdout, normalized.stdout)

    def test_unreachable_venues_are_retried_not_fatal(self):
        with tempfile.TemporaryDirectory() as directory:
            capture = os.path.join(directory, "empty.jsonl")
            result = rtm("record", "--venues", "binance,kraken", "--binance-ws", "wss://127.0.0.1:9",
                         "--kraken-ws", "ws://127.0.0.1:9/v2", "--duration", "2", "--summary-every", "1",
                         "--out", capture)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertRegex(result.stderr, r"wss://127\.0\.0\.1:9/stream\?streams=btcusdt@trade.*: 0 connects, [1-9]")
            self.assertIn("last: Connection refused", result.stderr, "the summary says why")
            self.assertEqual(os.path.getsize(capture), 0)

    def test_bad_usage(self):
        self.assertEqual(rtm("record", "--feed", "synthetic").returncode, 2, "--out is required")
        self.assertEqual(rtm("record", "--out", "x", "--venues", "nyse").returncode, 2)
        self.assertEqual(rtm("record", "--out", "/nonexistent/dir/x.jsonl", "--feed", "synthetic").returncode, 1)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
