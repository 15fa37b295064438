#!/usr/bin/env python3
"""rtm replay, run as a user would: a capture fed through the adapters, paced
or as fast as possible, normalizing exactly as rtm normalize does."""
import json
import pathlib
import subprocess
import sys
import tempfile
import time
import unittest

RTM = sys.argv[1] if len(sys.argv) > 1 else "rtm"
DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
CAPTURE = DATA / "captures/binance_book.jsonl"


def rtm(*args, timeout=60):
    return subprocess.run([RTM, *args], capture_output=True, text=True, timeout=timeout)


class ReplayTest(unittest.TestCase):
    def test_summary_after_a_fast_replay(self):
        result = rtm("replay", "--max", str(CAPTURE))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("line 4:", result.stderr, "the bad line is reported with its number")
        row = [line for line in result.stderr.splitlines() if line.startswith("binance:BTCUSDT")]
        self.assertEqual(len(row), 1, result.stderr)
        columns = row[0].split()
        self.assertEqual(columns[1:7], ["1", "0", "6", "1", "0", "1"], "trades, bbo, deltas, gaps, bad, resyncs")
        self.assertIn("stale (resyncing)", row[0], "a book after a gap is not shown as current")
        self.assertEqual(result.stdout, "", "records go to stdout only with --json")

    def test_json_records_are_what_normalize_writes(self):
        replayed = rtm("replay", "--max", "--json", str(CAPTURE))
        normalized = rtm("normalize", str(CAPTURE))
        self.assertEqual(replayed.returncode, 0, replayed.stderr)
        records = [json.loads(line) for line in replayed.stdout.splitlines()]
        self.assertEqual(records, [json.loads(line) for line in normalized.stdout.splitlines()])
        self.assertEqual([r["type"] for r in records].count("book_delta"), 6)

    def test_paced_replay_takes_the_recorded_time(self):
        # The capture spans 0.4 s; at half speed that is at least 0.8 s (a
        # lower bound only: a slow machine may take longer, never less).
        started = time.monotonic()
        result = rtm("replay", "--speed", "0.5", str(CAPTURE))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreaterEqual(time.monotonic() - started, 0.8)

    def test_bad_input(self):
        self.assertEqual(rtm("replay").returncode, 2)
        self.assertEqual(rtm("replay", "--speed", "0", str(CAPTURE)).returncode, 2)
        missing = rtm("replay", "/nonexistent/capture.jsonl")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("cannot read", missing.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as junk:
            junk.write('{"e":"trade"}\nnot json\n\n{"ts_recv":1,"venue":"nyse","channel":"ws","url":"x","frame":{}}\n')
            junk.flush()
            result = rtm("replay", "--max", junk.name)
            self.assertEqual(result.returncode, 0, result.stderr)
            for line in ("line 1:", "line 2:", "line 4:"):
                self.assertIn(line, result.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
