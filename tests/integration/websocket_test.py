#!/usr/bin/env python3
"""The WebSocket API at /ws against a running `rtm run`, through an
independent client (Debian's python3-websockets): subscriptions with their
snapshots and updates, every data message's times, unsubscribing, errors
that leave the connection open, limits, heartbeats, and a slow client that
loses its oldest trades, is told so, is finally disconnected, and never
holds a fast one up."""
import asyncio
import json
import re
import socket
import subprocess
import sys
import time
import unittest

import websockets

RTM = sys.argv[1] if len(sys.argv) > 1 else "rtm"


def start_rtm(*extra):
    process = subprocess.Popen([RTM, "run", "--listen", "127.0.0.1:0", "--speed", "20", "--summary-every", "1000",
                                *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        match = re.search(r"Dashboard at http://127\.0\.0\.1:(\d+)/", process.stdout.readline())
        if match:
            return process, int(match.group(1))
    process.kill()
    raise AssertionError("rtm run did not say where its API is")


async def until(ws, predicate, timeout=20):
    """Messages until one satisfies the predicate; returns (it, those before)."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=deadline - time.time()))
        if predicate(message):
            return message, seen
        seen.append(message)
    raise AssertionError("no such message within %s s; saw %s" % (timeout, seen[-5:]))


class RunningRtm(unittest.TestCase):
    """A test class with an `rtm run` of its own, started with `options`."""
    options = ()

    @classmethod
    def setUpClass(cls):
        cls.process, port = start_rtm(*cls.options)
        cls.url = f"ws://127.0.0.1:{port}/ws"
        time.sleep(2)  # books live, bars begun

    @classmethod
    def tearDownClass(cls):
        cls.process.terminate()
        cls.process.communicate(timeout=60)

    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, timeout=120))


class WebSocketTest(RunningRtm):
    def test_trades_carry_their_times(self):
        async def body():
            async with websockets.connect(self.url) as ws:
                await ws.send(json.dumps({"op": "subscribe", "channel": "trades", "instrument": "kraken:BTC/USD",
                                          "id": "t1"}))
                reply = json.loads(await ws.recv())
                self.assertEqual(reply, {"type": "subscribed", "channel": "trades", "instrument": "kraken:BTC/USD",
                                         "id": "t1"})
                for _ in range(5):
                    trade, _ = await until(ws, lambda m: m.get("type") == "trade")
                    self.assertEqual((trade["channel"], trade["instrument"]), ("trades", "kraken:BTC/USD"))
                    self.assertIsInstance(trade["price"], str)
                    self.assertLessEqual(trade["ts_event"], trade["ts_recv"] + 1)
                    # The send time is the server's clock (the synthetic market's
                    # own times run 20 times faster here).
                    self.assertLess(abs(trade["ts_send"] - time.time_ns()), 60 * 10**9)
        self.run_async(body())

    def test_state_channels_send_a_snapshot_first(self):
        async def body():
            async with websockets.connect(self.url) as ws:
                subscriptions = [
                    {"channel": "book", "instrument": "binance:ETHUSDT", "depth": 5},
                    {"channel": "bbo", "instrument": "coinbase:ETH-USD"},
                    {"channel": "nbbo", "symbol": "ETH-USD"},
                    {"channel": "stats", "instrument": "kraken:ETH/USD"},
                    {"channel": "bars", "symbol": "ETH-USD", "interval": "1s"},
                ]
                for s in subscriptions:
                    await ws.send(json.dumps({"op": "subscribe", **s}))
                snapshots, updates = {}, {}
                deadline = time.time() + 30
                while time.time() < deadline and len(updates) < len(subscriptions):
                    m = json.loads(await ws.recv())
                    channel = m.get("channel")
                    if m.get("type") in ("subscribed", "heartbeat") or channel is None:
                        continue
                    if m.get("snapshot"):
                        self.assertNotIn(channel, updates, "the snapshot comes before the updates")
                        snapshots.setdefault(channel, m)
                    else:
                        self.assertIn(channel, snapshots, f"an update of {channel} before its snapshot")
                        updates.setdefault(channel, m)
                self.assertEqual(set(updates), {"book", "bbo", "nbbo", "stats", "bars"})
                book = snapshots["book"]
                self.assertEqual(book["status"], "live")
                self.assertEqual(len(book["bids"]), 5)
                self.assertEqual(len(updates["book"]["asks"]), 5, "updates at the depth asked for")
                self.assertGreater(len(snapshots["bars"]["bars"]), 0, "the recent bars")
                self.assertEqual(updates["nbbo"]["symbol"], "ETH-USD")
                self.assertIn("ts_send", updates["bbo"])
        self.run_async(body())

    def test_unsubscribe_stops_the_updates(self):
        async def body():
            async with websockets.connect(self.url) as ws:
                await ws.send(json.dumps({"op": "subscribe", "channel": "trades", "instrument": "coinbase:BTC-USD"}))
                await until(ws, lambda m: m.get("type") == "trade")
                await ws.send(json.dumps({"op": "unsubscribe", "channel": "trades", "instrument": "coinbase:BTC-USD",
                                          "id": 9}))
                await until(ws, lambda m: m.get("type") == "unsubscribed" and m.get("id") == 9)
                await ws.send(json.dumps({"op": "ping", "id": "after"}))
                _, between = await until(ws, lambda m: m.get("type") == "pong" and m.get("id") == "after")
                await asyncio.sleep(1)
                await ws.send(json.dumps({"op": "ping", "id": "later"}))
                _, later = await until(ws, lambda m: m.get("type") == "pong")
                self.assertFalse([m for m in later if m.get("type") == "trade"], "no trade after unsubscribing")
        self.run_async(body())

    def test_errors_leave_the_connection_open(self):
        async def body():
            async with websockets.connect(self.url) as ws:
                cases = [
                    ("not json", "bad_json"),
                    (json.dumps([1, 2]), "bad_json"),
                    (json.dumps({"op": "dance", "id": 1}), "unknown_op"),
                    (json.dumps({"op": "subscribe", "channel": "gossip", "id": 2}), "unknown_channel"),
                    (json.dumps({"op": "subscribe", "channel": "trades", "instrument": "binance:NOPE", "id": 3}),
                     "unknown_instrument"),
                    (json.dumps({"op": "subscribe", "channel": "nbbo", "symbol": "NOPE-USD", "id": 4}),
                     "unknown_symbol"),
                    (json.dumps({"op": "subscribe", "channel": "book", "instrument": "binance:BTCUSDT",
                                 "depth": 1000, "id": 5}), "bad_request"),
                    (json.dumps({"op": "unsubscribe", "channel": "trades", "instrument": "binance:BTCUSDT",
                                 "id": 6}), "not_subscribed"),
                ]
                for text, code in cases:
                    await ws.send(text)
                    error, _ = await until(ws, lambda m: m.get("type") == "error")
                    self.assertEqual(error["code"], code, text)
                    self.assertTrue(error["message"])
                    if '"id"' in text:
                        self.assertEqual(error["id"], json.loads(text)["id"])
                await ws.send(json.dumps({"op": "ping", "id": 42}))
                pong, _ = await until(ws, lambda m: m.get("type") == "pong")
                self.assertEqual(pong["id"], 42)
        self.run_async(body())

    def test_rate_and_subscription_limits(self):
        async def body():
            async with websockets.connect(self.url) as ws:
                for i in range(100):
                    await ws.send(json.dumps({"op": "ping", "id": i}))
                limited = 0
                for _ in range(100):
                    m, _ = await until(ws, lambda m: m.get("type") in ("pong", "error"))
                    limited += m.get("code") == "rate_limited"
                self.assertGreater(limited, 0, "a burst over the rate is refused")
                self.assertLess(limited, 100)
            async with websockets.connect(self.url) as ws:
                codes = []
                for seconds in range(1, 102):  # 101 distinct bar series, paced under the rate limit
                    await ws.send(json.dumps({"op": "subscribe", "channel": "bars", "symbol": "BTC-USD",
                                              "interval": f"{seconds}s", "id": seconds}))
                    reply, _ = await until(ws, lambda m: m.get("id") == seconds)
                    codes.append(reply.get("code") or reply["type"])
                    await asyncio.sleep(0.04)
                self.assertEqual(codes[:100], ["subscribed"] * 100)
                self.assertEqual(codes[100], "too_many_subscriptions")
        self.run_async(body())

    def test_oversized_message_closes_with_1009(self):
        async def body():
            async with websockets.connect(self.url, max_size=None) as ws:
                await ws.send("x" * 100_000)
                with self.assertRaises(websockets.ConnectionClosed) as closed:
                    while True:
                        await ws.recv()
                self.assertEqual(closed.exception.rcvd.code, 1009)
        self.run_async(body())

    def test_heartbeats(self):
        async def body():
            async with websockets.connect(self.url) as ws:
                beat, _ = await until(ws, lambda m: m.get("type") == "heartbeat", timeout=12)
                self.assertIn("ts_send", beat)
        self.run_async(body())

    def test_a_slow_client_loses_trades_and_never_holds_up_a_fast_one(self):
        async def body():
            trades = [{"op": "subscribe", "channel": "trades", "instrument": f"{venue}:{symbol}"}
                      for venue, symbols in {"binance": ["BTCUSDT", "ETHUSDT", "SOLUSDT"],
                                             "coinbase": ["BTC-USD", "ETH-USD", "SOL-USD"],
                                             "kraken": ["BTC/USD", "ETH/USD", "SOL/USD"]}.items()
                      for symbol in symbols]
            # Small buffers on its side too, so that what it has not read waits
            # on the server, where the policies apply.
            raw = socket.socket()
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            raw.connect(("127.0.0.1", int(self.url.split(":")[2].split("/")[0])))
            slow = await websockets.connect(self.url, sock=raw, max_queue=1, read_limit=2**12)
            fast = await websockets.connect(self.url)
            for request in trades:
                await slow.send(json.dumps(request))
                await fast.send(json.dumps(request))
                await asyncio.sleep(0.06)

            async def read_fast():
                received = 0
                try:
                    while True:
                        await fast.recv()
                        received += 1
                except asyncio.CancelledError:
                    return received

            fast_reader = asyncio.create_task(read_fast())
            # The slow client takes a few hundred messages a second, fewer
            # than come: its queue fills, its oldest trades go, and it is
            # told how many before its next trade; staying behind, it is let go.
            told, closed_code, started = 0, "open", time.time()
            try:
                while time.time() - started < 60:
                    m = json.loads(await asyncio.wait_for(slow.recv(), timeout=30))
                    if m.get("type") == "dropped":
                        self.assertGreater(m["count"], 0)
                        self.assertEqual(m["channel"], "trades")
                        told += 1
                    await asyncio.sleep(0.01)
            except websockets.ConnectionClosed as closed:
                closed_code = closed.rcvd.code if closed.rcvd else None
            fast_reader.cancel()
            fast_received = await fast_reader
            self.assertGreater(told, 0, "told how many trades it missed")
            self.assertEqual(closed_code, 4001, "disconnected as a slow consumer")
            self.assertGreater(fast_received, 1000, "the fast client kept receiving meanwhile")
            await fast.send(json.dumps({"op": "ping", "id": "still"}))
            await until(fast, lambda m: m.get("id") == "still")
            await fast.close()
        self.run_async(body())


class SecuredWebSocketTest(RunningRtm):
    """With API keys configured: authenticate by header or by the auth op."""
    options = ("--api-keys", "desk-key")

    def test_the_auth_op(self):
        async def body():
            subscribe = json.dumps({"op": "subscribe", "channel": "trades", "instrument": "kraken:BTC/USD", "id": 1})
            async with websockets.connect(self.url) as ws:
                await ws.send(subscribe)
                error, _ = await until(ws, lambda m: m.get("type") == "error")
                self.assertEqual(error["code"], "unauthorized")
                await ws.send(json.dumps({"op": "auth", "key": "desk-key", "id": 2}))
                answer, _ = await until(ws, lambda m: m.get("id") == 2)
                self.assertEqual((answer["type"], answer["ok"], answer["required"]), ("auth", True, True))
                await ws.send(subscribe)
                await until(ws, lambda m: m.get("type") == "subscribed")
                await until(ws, lambda m: m.get("type") == "trade")
            async with websockets.connect(self.url) as ws:
                await ws.send(json.dumps({"op": "auth", "key": "stolen"}))
                error, _ = await until(ws, lambda m: m.get("type") == "error")
                self.assertEqual(error["code"], "unauthorized")
                with self.assertRaises(websockets.ConnectionClosed) as closed:
                    while True:
                        await ws.recv()
                self.assertEqual(closed.exception.rcvd.code, 1008)
        self.run_async(body())

    def test_the_header_and_the_connection_cap(self):
        async def body():
            header = {"Authorization": "Bearer desk-key"}
            with self.assertRaises(websockets.InvalidStatusCode) as refused:
                await websockets.connect(self.url, extra_headers={"Authorization": "Bearer stolen"})
            self.assertEqual(refused.exception.status_code, 403)
            connections = [await websockets.connect(self.url, extra_headers=header) for _ in range(20)]
            await connections[0].send(json.dumps({"op": "subscribe", "channel": "nbbo", "symbol": "BTC-USD"}))
            await until(connections[0], lambda m: m.get("type") == "subscribed")
            with self.assertRaises(websockets.InvalidStatusCode) as capped:
                await websockets.connect(self.url, extra_headers=header)
            self.assertEqual(capped.exception.status_code, 403, "the key's 21st connection")
            await connections.pop().close()
            await asyncio.sleep(0.5)
            again = await websockets.connect(self.url, extra_headers=header)
            await again.close()
            for ws in connections:
                await ws.close()
        self.run_async(body())


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
