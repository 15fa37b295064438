#!/usr/bin/python3
"""Measures how long a trade takes from rtm's receipt of the venue frame to a
WebSocket client: the stack runs on the synthetic market at a given rate, a
client subscribes to every instrument's trades on /ws and, for each trade,
takes its own clock at arrival minus the trade's ts_recv (the time the
frame reached ingest). Same machine, same clock. Prints p50, p99, p99.9.

  scripts/latency.py embedded    [--build build/release] [--rate 2000] [--seconds 20]
  scripts/latency.py distributed [--build build/release] [--rate 2000] [--seconds 20]

embedded: rtm run. distributed: rtm kafka-mock, rtm-stream, rtm-api and
rtm-ingest as separate processes. Needs Debian's python3-websockets (the
interpreter on the first line). The client is Python: past a few thousand
trades a second it becomes what is measured, so keep the rate modest.
"""
import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import websockets

INSTRUMENTS = [f"binance:{s}USDT" for s in ("BTC", "ETH", "SOL")] + \
              [f"coinbase:{s}-USD" for s in ("BTC", "ETH", "SOL")] + \
              [f"kraken:{s}/USD" for s in ("BTC", "ETH", "SOL")]


def wait_for(process, pattern, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(pattern, line)
        if found:
            return found
    raise SystemExit(f"{process.args[0]} did not say {pattern!r}")


def start(args, env=None, stdin=None):
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=stdin, text=True, env=env)


def start_stack(mode, build, rate):
    processes = []
    if mode == "embedded":
        rtm = start([f"{build}/services/rtm/rtm", "run", "--listen", "127.0.0.1:0", "--rate", str(rate),
                     "--summary-every", "1000"])
        processes.append(rtm)
        port = int(wait_for(rtm, r"Dashboard at http://127\.0\.0\.1:(\d+)/").group(1))
        return processes, port
    mock = start([f"{build}/services/rtm/rtm", "kafka-mock", "--partitions", "6"], stdin=subprocess.PIPE)
    processes.append(mock)
    env = dict(os.environ, RTM_KAFKA_BROKERS=mock.stdout.readline().strip())
    stream = start([f"{build}/services/stream/rtm-stream", "--listen", "127.0.0.1:0"], env=env)
    processes.append(stream)
    wait_for(stream, r"health and metrics on port")
    api = start([f"{build}/services/api/rtm-api", "--listen", "127.0.0.1:0"], env=env)
    processes.append(api)
    port = int(wait_for(api, r"listening on port (\d+)").group(1))
    processes.append(start([f"{build}/services/ingest/rtm-ingest", "--listen", "127.0.0.1:0", "--rate", str(rate),
                            "--summary-every", "1000"], env=env))
    return processes, port


def wait_for_instruments(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/instruments", timeout=5) as response:
                known = {i["instrument"] for i in json.load(response)["instruments"]}
            if known >= set(INSTRUMENTS):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the API did not learn every instrument in time")


async def measure(port, seconds, warmup=3):
    wait_for_instruments(port)
    samples = []
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws", max_size=None) as ws:
        for instrument in INSTRUMENTS:
            await ws.send(json.dumps({"op": "subscribe", "channel": "trades", "instrument": instrument}))
        start_at = time.monotonic()
        while time.monotonic() - start_at < warmup + seconds:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
            if message.get("type") == "error":
                raise SystemExit(f"the server refused: {message}")
            arrived = time.time_ns()
            if message.get("type") == "trade" and time.monotonic() - start_at >= warmup:
                samples.append(arrived - message["ts_recv"])
    return samples


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("embedded", "distributed"))
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--rate", type=int, default=2000, help="synthetic events per second")
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    processes, port = start_stack(args.mode, os.path.abspath(args.build), args.rate)
    try:
        samples = sorted(asyncio.run(measure(port, args.seconds)))
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    if not samples:
        raise SystemExit("no trades arrived after the warm-up")
    ms = lambda ns: ns / 1e6  # noqa: E731
    print(f"{args.mode}, {args.rate} events/s, {len(samples)} trades over {args.seconds} s: "
          f"p50 {ms(percentile(samples, 50)):.2f} ms, p99 {ms(percentile(samples, 99)):.2f} ms, "
          f"p99.9 {ms(percentile(samples, 99.9)):.2f} ms, max {ms(samples[-1]):.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
