// The dashboard in a real browser: Debian's Chromium, driven by
// playwright-core, loads it from a running `rtm run`, sees the best
// bid/offer, candles that move, book levels and trades, logs no console
// error, and saves a screenshot. Given a URL instead of the rtm binary, it
// checks the dashboard already served there (the compose stack's gateway).
//   node dashboard_test.cjs RTM|URL NPM_DIR SCREENSHOT
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const [rtmOrUrl, npmDir, screenshot] = process.argv.slice(2);
const { chromium } = require(path.resolve(npmDir, "node_modules", "playwright-core"));

function fail(message) {
  console.error("FAIL: " + message);
  process.exitCode = 1;
}

function startRtm() {
  if (/^https?:\/\//.test(rtmOrUrl)) return Promise.resolve({ child: null, url: rtmOrUrl });
  const child = spawn(rtmOrUrl, ["run", "--listen", "127.0.0.1:0", "--speed", "10", "--summary-every", "1000"],
                      { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error("rtm run did not say where its API is")), 60000);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/Dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on("exit", (code) => reject(new Error("rtm run exited with " + code)));
  });
}

async function main() {
  const { child, url } = await startRtm();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url);
    // Live once every panel has filled.
    await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("live") &&
      document.querySelectorAll("#book tbody tr").length >= 5 &&
      document.querySelectorAll("#trades tbody tr").length >= 1 &&
      document.querySelectorAll("#stats tbody tr").length >= 1, null, { timeout: 60000 });
    await page.selectOption("#interval", "1s");
    const nbbo = await page.textContent("#nbbo");
    if (!/best bid · (binance|coinbase|kraken)/.test(nbbo)) fail("no best bid with its venue: " + nbbo);
    const feeds = await page.$$eval("#feeds tbody tr", (rows) => rows.map((r) => r.textContent));
    if (feeds.length !== 9) fail("expected nine feeds, saw " + feeds.length);
    const book = await page.$$eval("#book tbody td.bid:nth-child(2)", (cells) => cells.map((c) => Number(c.textContent)));
    if (book.some((price, i) => i > 0 && price >= book[i - 1])) fail("bids not best first: " + book);
    // Candles are drawn, and they move.
    const drawn = () => page.$eval("#chart", (canvas) => {
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let coloured = 0;
      for (let i = 3; i < data.length; i += 4) coloured += data[i] > 0 ? 1 : 0;
      return { coloured, picture: canvas.toDataURL() };
    });
    await page.waitForTimeout(1500);
    const before = await drawn();
    if (before.coloured < 500) fail("the candle chart is empty");
    await page.waitForTimeout(3000);
    const after = await drawn();
    if (after.picture === before.picture) fail("the candles did not move in 3 s");
    await page.screenshot({ path: screenshot, fullPage: true });
    if (errors.length > 0) fail("console errors: " + errors.join(" | "));
  } finally {
    await browser.close();
    if (child) child.kill("SIGTERM");
  }
  if (process.exitCode !== 1) console.log("dashboard: 1 passed, 0 failed (screenshot " + screenshot + ")");
}

main().catch((error) => {
  fail(error.stack || String(error));
  process.exit(1);
});
