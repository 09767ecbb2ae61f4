// Manual browser smoke test of the dashboard (not run by `cargo test`, not in CI yet).
// Needs Debian's chromium and playwright-core: copy this file into a directory outside the
// repository where `npm install playwright-core@1` was run (ES modules ignore NODE_PATH).
// Start a server first, e.g.
//   cargo run -p waspada-serve --example serve_demo -- /tmp/waspada-demo 127.0.0.1:18089
// then: BASE=http://127.0.0.1:18089 OUT=/tmp/shots node smoke.mjs
// It triages a signal through htmx, checks the map draws markers and the timeline a chart,
// takes screenshots, and fails on any page error, console error or JavaScript dialog.
import { chromium } from "playwright-core";
const base = process.env.BASE || "http://127.0.0.1:18089";
const out = process.env.OUT || "/tmp/e2e/shots";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const errors = [];
page.on("pageerror", e => errors.push("pageerror: " + e.message));
page.on("console", m => { if (m.type() === "error") errors.push("console: " + m.text()); });
page.on("dialog", d => { errors.push("DIALOG: " + d.message()); d.dismiss(); });

await page.goto(base + "/signals?lang=en");
await page.screenshot({ path: out + "/signals.png", fullPage: false });
const row = page.locator("#signals tbody tr").first();
const id = await row.getAttribute("id");
await row.locator("button[value=verify]").click();
await page.waitForSelector(`#${id} .status-verified`, { timeout: 5000 });
console.log("verify via htmx ok:", id);
await page.goto(base + "/signals/" + id.replace("signal-", "") + "?lang=en");
console.log("after reload status:", await page.locator("h1 .status").textContent());
await page.screenshot({ path: out + "/signal.png", fullPage: true });

await page.goto(base + "/map");
await page.waitForTimeout(1500);
const circles = await page.locator(".leaflet-overlay-pane path").count();
console.log("map paths:", circles, "count label:", await page.locator("#map-count").textContent());
if (circles === 0) errors.push("the map drew no markers");
await page.screenshot({ path: out + "/map.png" });

await page.goto(base + "/timeline?lang=en");
await page.waitForTimeout(1000);
const canvases = await page.locator("#chart canvas").count();
console.log("uplot canvas:", canvases, "title:", await page.locator("#chart-title").textContent());
if (canvases === 0) errors.push("the timeline drew no chart");
await page.screenshot({ path: out + "/timeline.png" });

const ev = await (await fetch(base + "/api/events?limit=1")).json();
await page.goto(base + "/events/" + ev.items[0].id + "?lang=en");
await page.screenshot({ path: out + "/event.png" });
const art = await (await fetch(base + "/api/events/" + ev.items[0].id)).json();
await page.goto(base + "/articles/" + art.articles[art.articles.length - 1].id);
console.log("marks:", await page.locator("#article-text mark").count());
await page.screenshot({ path: out + "/article.png" });

await page.goto(base + "/search?q=rabies&lang=en");
await page.screenshot({ path: out + "/search.png" });
await page.goto(base + "/sources?lang=en");
await page.screenshot({ path: out + "/sources.png" });
await browser.close();
if (errors.length) {
  console.error("errors:", JSON.stringify(errors));
  process.exit(1);
}
console.log("ok");
