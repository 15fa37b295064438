#!/usr/bin/env python3
"""End-to-end check of a running compose stack, from outside it, through the
gateway only: REST answers with live data, the API description is served,
/metrics is refused, and a WebSocket subscription receives live trades.
With --prometheus it also checks that Prometheus scrapes every service,
that rtm-stream writes history rows, and that every query of the Grafana
dashboard returns data.
  e2e_check.py GATEWAY_URL [--prometheus URL --dashboard rtm.json]"""
import argparse
import asyncio
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import websockets

failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def get(url, timeout=10):
    """(status, body) of a GET; HTTP errors are answers, not exceptions."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(description, probe, timeout=120):
    """Calls probe() until it returns something true; returns that, or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = probe()
            if value:
                return value
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(1)
    print("     (waited %d s for %s)" % (timeout, description))
    return None


def check_rest(gateway):
    status, body = get(gateway + "/")
    check(status == 200 and b"<html" in body.lower(), "the dashboard page is served (%d)" % status)
    instruments = wait_for("instruments", lambda: json.loads(get(gateway + "/v1/instruments")[1])["instruments"])
    check(bool(instruments) and len(instruments) >= 9,
          "/v1/instruments lists the synthetic market's instruments (%d)" % len(instruments or []))
    first = "binance:BTCUSDT"
    trades = wait_for("trades", lambda: json.loads(get(
        gateway + "/v1/trades?" + urllib.parse.urlencode({"instrument": first, "limit": 5}))[1])["trades"])
    check(bool(trades), "/v1/trades has trades of %s" % first)
    bars = wait_for("bars", lambda: json.loads(get(
        gateway + "/v1/bars?" + urllib.parse.urlencode({"symbol": "BTC-USD", "interval": "1s", "limit": 5}))[1])["bars"])
    check(bool(bars), "/v1/bars has BTC-USD's 1s bars")
    status, body = get(gateway + "/v1/bars?interval=7x&symbol=BTC-USD")
    check(status == 400 and b"interval" in body, "a bad query is a 400 naming the parameter (%d)" % status)
    status, body = get(gateway + "/openapi.json")
    check(status == 200 and json.loads(body).get("openapi", "").startswith("3"), "/openapi.json is served")
    status, _ = get(gateway + "/metrics")
    check(status == 403, "/metrics is refused at the gateway (%d)" % status)


async def check_websocket(gateway):
    url = gateway.replace("http", "ws", 1) + "/ws"
    async with websockets.connect(url, max_size=1 << 22) as ws:
        await ws.send(json.dumps({"op": "subscribe", "channel": "trades", "instrument": "binance:BTCUSDT", "id": 1}))
        trades, answered = [], False
        deadline = time.time() + 30
        while len(trades) < 5 and time.time() < deadline:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=deadline - time.time()))
            answered = answered or message.get("type") == "subscribed"
            if message.get("type") == "trade":
                trades.append(message)
    check(answered, "the WebSocket subscription is answered through the gateway")
    check(len(trades) >= 5 and all("ts_event" in t for t in trades),
          "the WebSocket delivers live trades (%d in 30 s)" % len(trades))


def prometheus_query(prometheus, expression):
    status, body = get(prometheus + "/api/v1/query?" + urllib.parse.urlencode({"query": expression}))
    answer = json.loads(body)
    return status == 200 and answer.get("status") == "success", answer.get("data", {}).get("result", [])


def check_prometheus(prometheus, dashboard_file):
    def all_up():
        _, body = get(prometheus + "/api/v1/targets")
        targets = [t for t in json.loads(body)["data"]["activeTargets"] if t["labels"]["job"].startswith("rtm-")]
        jobs = {t["labels"]["job"] for t in targets if t["health"] == "up"}
        return jobs if jobs == {"rtm-ingest", "rtm-stream", "rtm-api"} else None
    jobs = wait_for("Prometheus targets", all_up, timeout=90)
    check(jobs is not None, "Prometheus scrapes rtm-ingest, rtm-stream and rtm-api")
    with open(dashboard_file) as f:
        dashboard = json.load(f)
    expressions = [(panel["title"], target["expr"]) for panel in dashboard["panels"]
                   for target in panel.get("targets", [])]
    def written():
        ok, result = prometheus_query(prometheus, "sum(rtm_history_rows_written_total)")
        return ok and result and float(result[0]["value"][1]) > 0
    check(wait_for("history rows", written, timeout=60) is not None,
          "rtm-stream writes history to PostgreSQL (rtm_history_rows_written_total > 0)")
    time.sleep(12)  # rate() over 1m needs two scrapes
    for title, expression in expressions:
        expression = expression.replace("$__rate_interval", "1m")
        ok, result = prometheus_query(prometheus, expression)
        check(ok and bool(result), "Grafana panel '%s' has data: %s" % (title, expression))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gateway")
    parser.add_argument("--prometheus")
    parser.add_argument("--dashboard")
    args = parser.parse_args()
    gateway = args.gateway.rstrip("/")
    check_rest(gateway)
    asyncio.run(check_websocket(gateway))
    if args.prometheus:
        check_prometheus(args.prometheus.rstrip("/"), args.dashboard)
    print("e2e: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
