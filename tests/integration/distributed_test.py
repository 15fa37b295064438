#!/usr/bin/env python3
"""The distributed pipeline as separate processes: rtm kafka-mock (librdkafka's
mock cluster, the real protocol), rtm-ingest replaying a capture, rtm-stream
and rtm-api. The bars rtm-stream publishes and rtm-api serves equal
`rtm aggregate` on the same capture, through a 10 s outage of every broker;
through produce errors, and through rtm-stream killed mid-stream and
restarted, and through a restart of PostgreSQL; PostgreSQL ends with every
trade once and the same bars; two rtm-api replicas serve the same bars;
kcat reads both topics. And a service waiting for Kafka stops on SIGTERM."""
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

RTM, INGEST, STREAM, API, PG_SERVER = sys.argv[1:6]
SAME_SYMBOLS = "binance:BTCUSDT=BTC-USD,binance:ETHUSDT=ETH-USD,binance:SOLUSDT=SOL-USD"
# The mock cluster holds a rejoining group for the members' rebalance timeout.
FAST_GROUP = "max.poll.interval.ms=3000,session.timeout.ms=3000,heartbeat.interval.ms=300"


def latest_bars(lines, interval="1m"):
    """The last revision of each final bar, by series and start."""
    bars = {}
    for line in lines:
        record = json.loads(line)
        if record.get("type") != "bar" or record["interval"] != interval or not record["final"]:
            continue
        key = (record.get("instrument") or record.get("symbol"), record["start"])
        if key not in bars or record["revision"] >= bars[key]["revision"]:
            bars[key] = record
    return bars


MINUTE = 60_000_000_000
LATENESS = 2_000_000_000  # rtm-stream's default allowed lateness


def asset(series):
    """BTC for BTC-USD, binance:BTCUSDT or kraken:BTC/USD: the records of
    a symbol's series share a partition."""
    return series.split(":")[-1][:3]


def comparable(bar):
    return {k: bar[k] for k in ("open", "high", "low", "close", "volume", "vwap", "trades", "buy_volume",
                                "sell_volume")}


class LiveTail:
    """`rtm tail TOPIC` from the start, as the records are produced, into a
    file. The mock cluster keeps about 5 MB per partition and drops the
    oldest batches beyond that (a real broker's retention, small): a reader
    at the end would miss the start of a long run, one reading along does
    not."""

    def __init__(self, env, topic, directory):
        self.path = os.path.join(directory, topic + ".jsonl")
        self.file = open(self.path, "w")
        self.process = subprocess.Popen([RTM, "tail", topic], stdout=self.file, stderr=subprocess.DEVNULL,
                                        env=env)

    def lines(self):
        with open(self.path) as f:
            return [line for line in f.read().splitlines() if line.endswith("}")]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.file.close()


def port_from(process, pattern, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(pattern, line)
        if found:
            return int(found.group(1))
    raise AssertionError(f"{process.args[0]} did not say {pattern!r}")


class StopWhileWaitingForKafkaTest(unittest.TestCase):
    """A service still waiting for Kafka ends at once on SIGTERM, with the
    status of a death by that signal, as a container's PID 1 must: left to
    itself it would give up on Kafka after 30 s with status 1."""

    def test_each_service_stops_while_waiting(self):
        for binary in (INGEST, STREAM, API):
            with self.subTest(service=os.path.basename(binary)):
                process = subprocess.Popen([binary, "--brokers", "127.0.0.1:1", "--listen", "127.0.0.1:0"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(1)
                process.send_signal(signal.SIGTERM)
                self.assertEqual(process.wait(timeout=60), 128 + signal.SIGTERM)


class DistributedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="rtm-distributed-")
        os.chmod(cls.directory, 0o755)  # the PostgreSQL server runs as its own user
        cls.capture = os.path.join(cls.directory, "market.jsonl")
        # At 80 events a second the largest partition (a symbol's three
        # venues) stays within what the mock cluster keeps of a partition,
        # so a member taking it over is handed all of its past.
        recorded = subprocess.run([RTM, "record", "--feed", "synthetic", "--rate", "80", "--speed", "0",
                                   "--duration", "150",
                                   "--out", cls.capture], capture_output=True, text=True, timeout=300)
        assert recorded.returncode == 0, recorded.stderr
        aggregated = subprocess.run([RTM, "aggregate", "--interval", "1m", "--canonical", SAME_SYMBOLS, cls.capture],
                                    capture_output=True, text=True, timeout=300)
        assert aggregated.returncode == 0, aggregated.stderr
        cls.reference = latest_bars(aggregated.stdout.splitlines())
        assert len(cls.reference) > 20, len(cls.reference)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def setUp(self):
        self.processes = []
        self.pg_directory = os.path.join(self.directory, "pg")
        started = subprocess.run([sys.executable, PG_SERVER, "start", self.pg_directory, "55442"],
                                 capture_output=True, text=True, timeout=120)
        self.assertEqual(started.returncode, 0, started.stderr)
        self.database = started.stdout.strip()
        for expected in ("applied 0001_history", "up to date"):  # the second run changes nothing
            migrated = subprocess.run([RTM, "migrate", "--database", self.database], capture_output=True, text=True,
                                      timeout=60)
            self.assertEqual(migrated.returncode, 0, migrated.stderr)
            self.assertIn(expected, migrated.stdout)
        self.mock = self.start([RTM, "kafka-mock", "--partitions", "4"], stdin=subprocess.PIPE)
        self.brokers = self.mock.stdout.readline().strip()
        self.assertRegex(self.brokers, r"^127\.0\.0\.1:\d+")
        self.env = dict(os.environ, RTM_KAFKA_BROKERS=self.brokers)

    def tearDown(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        subprocess.run([sys.executable, PG_SERVER, "stop", self.pg_directory], capture_output=True, timeout=60)

    def sql(self, query):
        result = subprocess.run(["psql", self.database, "-AtF", "\t", "-c", query], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return [line.split("\t") for line in result.stdout.splitlines()]

    def start(self, args, **kwargs):
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   env=getattr(self, "env", None), **kwargs)
        self.processes.append(process)
        return process

    def fault(self, line):
        self.mock.stdin.write(line + "\n")
        self.mock.stdin.flush()
        self.assertEqual(self.mock.stdout.readline().strip(), "ok " + line)

    def tail(self, topic):
        result = subprocess.run([RTM, "tail", topic, "--exit"], capture_output=True, text=True, env=self.env,
                                timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.splitlines()

    def start_stream(self, journal="journal"):
        stream = self.start([STREAM, "--listen", "127.0.0.1:0", "--journal", os.path.join(self.directory, journal),
                             "--kafka-property", FAST_GROUP, "--database", self.database])
        stream.metrics_port = port_from(stream, r"health and metrics on port (\d+)")
        return stream

    def metric(self, process, name):
        with urllib.request.urlopen(f"http://127.0.0.1:{process.metrics_port}/metrics", timeout=10) as response:
            for line in response.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[1])
        raise AssertionError(f"no metric {name}")

    def test_pipeline_through_faults_equals_aggregate(self):
        md_tail = LiveTail(self.env, "rtm.md.v1", self.directory)
        derived_tail = LiveTail(self.env, "rtm.derived.v1", self.directory)
        self.addCleanup(md_tail.stop)
        self.addCleanup(derived_tail.stop)
        stream = self.start_stream()
        api_ports = []
        # The second replica keeps little in memory: the rest of what it
        # serves comes from PostgreSQL, in the same answers.
        for extra in ([], ["--database", self.database, "--hot-trades", "200", "--hot-bars", "1"]):
            api = self.start([API, "--listen", "127.0.0.1:0", *extra])
            api_ports.append(port_from(api, r"listening on port (\d+)"))
        ingest = self.start([INGEST, "--feed", "replay:" + self.capture, "--speed", "5", "--listen", "127.0.0.1:0",
                             "--summary-every", "1000"])
        # A second rtm-stream joins the group: the partitions are split, and
        # it is handed the past of its share (its books and open bars) from
        # the topic. Then the first dies without a word: the second takes
        # its partitions over, handed what the first had committed. The
        # first comes back on its journal and is given a share again, handed
        # only what the second processed of it meanwhile.
        time.sleep(3)
        second = self.start_stream("journal-second")
        time.sleep(6)
        stream.kill()
        stream.wait()
        time.sleep(5)
        self.start_stream()
        time.sleep(3)
        self.fault("down -1")  # every broker: nothing can be produced or consumed
        time.sleep(10)
        self.fault("up -1")
        # Produce requests time out (7: REQUEST_TIMED_OUT) and are retried.
        self.fault("errors 0 5 7")
        time.sleep(3)
        # PostgreSQL goes away for a few seconds: rtm-stream spools and catches up.
        subprocess.run([sys.executable, PG_SERVER, "stop", self.pg_directory], check=True, timeout=60)
        time.sleep(4)
        subprocess.run([sys.executable, PG_SERVER, "restart", self.pg_directory, "55442"], check=True,
                       capture_output=True, timeout=60)
        ingest_output, _ = ingest.communicate(timeout=300)
        self.assertEqual(ingest.returncode, 0, ingest_output)
        published = int(re.search(r"(\d+) records published, (\d+) acknowledged", ingest_output.splitlines()[-1])
                        .group(1))

        # Every record published is in the topic, in sequence per instrument.
        # librdkafka's mock cluster checks an idempotent producer's sequence
        # numbers only for transactional producers, so a batch retried after
        # the outage may be appended twice there (a real broker refuses the
        # copy): the readers' deduplication by sequence keeps what they
        # derive exact either way.
        deadline = time.time() + 120
        while True:
            records = [json.loads(line) for line in md_tail.lines()]
            if len({(r["instrument"], r["seq"]) for r in records}) >= published or time.time() > deadline:
                break
            time.sleep(1)
        by_instrument = collections.defaultdict(list)
        for record in records:
            by_instrument[record["instrument"]].append(record["seq"])
        unique = 0
        for instrument, sequences in by_instrument.items():
            first_seen = list(dict.fromkeys(sequences))
            self.assertEqual(first_seen, sorted(first_seen), instrument)
            unique += len(first_seen)
        self.assertEqual(unique, published, ingest_output[-3000:])
        self.assertGreaterEqual(len(records), published)

        # rtm-stream's bars, as rtm tail decodes them, once it has read everything.
        # A bar made final while another partition ran ahead in event time
        # is revised as its late trades arrive: wait for the revisions too.
        # The feed stops, so a bar is final only once its symbol's partition
        # saw event time pass its end by the allowed lateness: not the last
        # minute, nor the one before when the feed stopped within 2 s of it.
        last_event = collections.defaultdict(int)
        for record in records:
            symbol = asset(record["instrument"])
            last_event[symbol] = max(last_event[symbol], record.get("ts_event", 0))
        expected = {key for key in self.reference if key[1] + MINUTE + LATENESS <= last_event[asset(key[0])]}
        self.assertGreaterEqual(len(expected), len(self.reference) // 2)
        deadline = time.time() + 180
        while True:
            derived = latest_bars(derived_tail.lines())
            settled = all(key in self.reference and comparable(bar) == comparable(self.reference[key])
                          for key, bar in derived.items())
            if (expected <= derived.keys() and settled) or time.time() > deadline:
                break
            time.sleep(2)
        self.assertEqual(sorted(expected - derived.keys()), [], "final bars missing")
        for key, bar in derived.items():
            self.assertIn(key, self.reference)
            self.assertEqual(comparable(bar), comparable(self.reference[key]), key)

        # PostgreSQL holds every trade once, and the same final bars.
        trades = sum(1 for record in records if record["type"] == "trade")
        unique_trades = len({(r["instrument"], r["seq"]) for r in records if r["type"] == "trade"})
        self.assertLessEqual(unique_trades, trades)
        deadline = time.time() + 120
        while int(self.sql("SELECT count(*) FROM trades")[0][0]) < unique_trades and time.time() < deadline:
            time.sleep(1)
        self.assertEqual(int(self.sql("SELECT count(*) FROM trades")[0][0]), unique_trades)
        stored = {}
        for row in self.sql("SELECT series, start_ns, open, high, low, close, volume, vwap, trades, buy_volume, "
                            "sell_volume FROM bars WHERE interval_ns = 60000000000 AND final"):
            stored[(row[0], int(row[1]))] = dict(zip(("open", "high", "low", "close", "volume", "vwap", "trades",
                                                      "buy_volume", "sell_volume"), row[2:]))
            stored[(row[0], int(row[1]))]["trades"] = int(row[8])
        for key in derived:
            self.assertIn(key, stored)
            self.assertEqual(stored[key], comparable(self.reference[key]), key)

        # Each rtm-api replica serves the same bars from its hot store.
        for api_port in api_ports:
            served = 0
            for (name, start), reference in self.reference.items():
                if (name, start) not in derived:
                    continue
                field = "symbol" if ":" not in name else "instrument"
                url = f"http://127.0.0.1:{api_port}/v1/bars?{field}={name}&interval=1m&from={start}&to={start + 1}"
                with urllib.request.urlopen(url, timeout=10) as response:
                    bars = json.load(response)["bars"]
                self.assertEqual(len(bars), 1, url)
                self.assertEqual(comparable(bars[0]), comparable(reference), url)
                served += 1
            self.assertGreater(served, 20)

        # Paging through one instrument's trades on the replica that keeps 200
        # in memory reads PostgreSQL, then the hot store, seamlessly: every
        # trade once, in order.
        instrument = "coinbase:BTC-USD"
        expected = sorted({(r["ts_event"], r["seq"]) for r in records
                           if r["type"] == "trade" and r["instrument"] == instrument})
        self.assertGreater(len(expected), 400)
        paged, cursor = [], None
        while True:
            url = f"http://127.0.0.1:{api_ports[1]}/v1/trades?instrument={instrument}&limit=150"
            with urllib.request.urlopen(url + (f"&cursor={cursor}" if cursor else ""), timeout=10) as response:
                page = json.load(response)
            paged += [(t["ts_event"], t["seq"]) for t in page["trades"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(paged, expected)
        with urllib.request.urlopen(f"http://127.0.0.1:{api_ports[1]}/v1/trades?instrument={instrument}"
                                    f"&order=desc&limit=1000", timeout=10) as response:
            newest = [(t["ts_event"], t["seq"]) for t in json.load(response)["trades"]]
        self.assertEqual(newest, expected[::-1][:1000])

        # An independent client reads both topics, keyed by canonical symbol,
        # as much of them as the cluster still holds: what rtm tail reads.
        for topic in ("rtm.md.v1", "rtm.derived.v1"):
            kcat = subprocess.run(["kcat", "-b", self.brokers, "-C", "-t", topic, "-e", "-q", "-f", "%k\n"],
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual(kcat.returncode, 0, kcat.stderr)
            keys = kcat.stdout.split()
            self.assertTrue(all(key.isdigit() for key in keys))
            if topic == "rtm.md.v1":
                self.assertEqual(len(keys), len(self.tail(topic)))
                # A symbol's venues share a key: three symbols, three keys.
                self.assertEqual(len(set(keys)), 3)

        # The member that joined was handed records over: its share's past,
        # then the first's.
        self.assertIsNone(second.poll())
        self.assertGreater(self.metric(second, "rtm_kafka_handed_over_total"), 0)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
