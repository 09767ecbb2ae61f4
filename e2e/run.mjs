// Browser end-to-end test of the Waspada dashboard: node e2e/run.mjs http://127.0.0.1:PORT
//
// Drives Debian's chromium (never a downloaded browser) through playwright-core against a
// running `waspada serve` whose data directory holds the demo corpus (crates/waspada/tests/
// browser.rs prepares both). Every step fails the run on a page error, a console error or
// a JavaScript dialog. Screenshots of the main pages go to $WASPADA_SCREENSHOTS (default
// ./e2e-screenshots) for a person to look at.
//
// Environment: WASPADA_SCREENSHOTS (directory), WASPADA_CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = (process.argv[2] || "").replace(/\/$/, "");
if (!/^https?:\/\//.test(base)) {
  console.error("usage: node e2e/run.mjs http://127.0.0.1:PORT");
  process.exit(2);
}
const shots = process.env.WASPADA_SCREENSHOTS || "e2e-screenshots";
mkdirSync(shots, { recursive: true });
const problems = [];

// Logs in as the analyst the Rust driver created (WASPADA_E2E_USER / _PASSWORD), through
// the login form, as a person would.
const user = process.env.WASPADA_E2E_USER;
const password = process.env.WASPADA_E2E_PASSWORD;
const token = process.env.WASPADA_E2E_TOKEN;
if (!user || !password || !token) {
  console.error("WASPADA_E2E_USER, WASPADA_E2E_PASSWORD and WASPADA_E2E_TOKEN must be set");
  process.exit(2);
}

async function login(page) {
  await page.goto(base + "/login?next=/signals");
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForURL(/\/signals/), page.locator("form.login button").click()]);
}

async function step(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
    console.log(`FAIL ${name}: ${e.message}`);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// The API as a machine calls it: with the API token.
async function api(path, init = {}) {
  const headers = { ...(init.headers || {}), authorization: `Bearer ${token}` };
  const res = await fetch(base + path, { ...init, headers });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

const userDataDir = mkdtempSync(join(tmpdir(), "waspada-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.WASPADA_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1400, height: 900 },
});
const page = context.pages()[0] || (await context.newPage());
const dialogs = [];
page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
// A refused login answers 401, which Chromium logs as a failed load: expected only there.
let expectRefusal = false;
page.on("console", (m) => {
  if (m.type() !== "error") return;
  if (expectRefusal && m.text().includes("status of 401")) return;
  problems.push(`console error on ${page.url()}: ${m.text()}`);
});
page.on("dialog", async (d) => {
  dialogs.push(`${d.type()} "${d.message()}" on ${page.url()}`);
  await d.dismiss().catch(() => {});
});

try {
  await step("without a login, pages lead to the login form and the API refuses", async () => {
    await page.goto(base + "/signals");
    check(new URL(page.url()).pathname === "/login", `/signals opened ${page.url()} without a login`);
    const res = await fetch(base + "/api/signals");
    check(res.status === 401, `the API answered ${res.status} without a login`);
  });

  await step("a wrong password is refused", async () => {
    await page.goto(base + "/login");
    await page.fill("input[name=username]", user);
    await page.fill("input[name=password]", password + "x");
    expectRefusal = true;
    try {
      await page.locator("form.login button").click();
      await page.waitForSelector("#login-message", { timeout: 10000 });
    } finally {
      expectRefusal = false;
    }
    check(new URL(page.url()).pathname === "/login", `a wrong password led to ${page.url()}`);
  });

  await step("log in", async () => {
    await login(page);
    const cookies = await page.context().cookies(base);
    const session = cookies.find((c) => c.name === "waspada_session");
    check(session && session.httpOnly, "no HttpOnly session cookie after logging in");
    check((await page.locator("#who").innerText()).includes(user), "the header does not name the user");
  });

  let signalId;
  await step("signals are listed after the demo ingest", async () => {
    await page.goto(base + "/signals?lang=en");
    const rows = page.locator("#signals tbody tr");
    const n = await rows.count();
    check(n > 0, "no signal rows on /signals");
    signalId = (await rows.first().getAttribute("id")).replace("signal-", "");
    // Each row's trend: an inline SVG drawn by the server, named for screen readers.
    const sparks = page.locator("#signals tbody td.trend svg.sparkline");
    check((await sparks.count()) === n, `${await sparks.count()} sparklines for ${n} signal rows`);
    const label = await sparks.first().getAttribute("aria-label");
    check(/^\d+-(week|day) trend: \d+(, \d+)*/.test(label), `the first sparkline is labelled "${label}"`);
    check((await sparks.first().locator("polyline").count()) === 1, "the first sparkline has no line");
    await shot(page, "signals");
    await page.screenshot({ path: join(shots, "signals-top.png") });
  });

  await step("a signal verified stays verified after a reload", async () => {
    check(signalId, "no signal to open");
    await page.goto(`${base}/signals/${signalId}`);
    await page.locator(`#signal-${signalId} button[value=verify]`).click();
    await page.waitForSelector(`#signal-${signalId} .status-verified`, { timeout: 10000 });
    await page.reload();
    const cls = await page.locator("h1 .status").getAttribute("class");
    check(cls.includes("status-verified"), `after a reload the status is "${cls}"`);
    const history = await page.locator("#history tbody").innerText();
    check(history.trim().length > 0, "the triage history is empty");
    const detail = await api(`/api/signals/${signalId}`);
    check(detail.status === "verified", `the API says "${detail.status}"`);
    await shot(page, "signal");
  });

  await step("the language switch (en -> id -> en) is remembered", async () => {
    await page.goto(base + "/signals?lang=en");
    check((await page.locator("html").getAttribute("lang")) === "en", "?lang=en is not English");
    await page.locator("header a.lang").click();
    await page.waitForLoadState();
    check((await page.locator("html").getAttribute("lang")) === "id", "the switch did not give Indonesian");
    await page.goto(base + "/map");
    check((await page.locator("html").getAttribute("lang")) === "id", "Indonesian was not remembered on the next page");
    const navId = await page.locator("header nav").innerText();
    await page.locator("header a.lang").click();
    await page.waitForLoadState();
    await page.goto(base + "/timeline");
    check((await page.locator("html").getAttribute("lang")) === "en", "English was not remembered");
    check((await page.locator("header nav").innerText()) !== navId, "the menu is not translated");
  });

  await step("the map draws events", async () => {
    await page.goto(base + "/map?lang=en");
    await page.waitForSelector("#map.leaflet-container", { timeout: 10000 });
    await page.waitForFunction(
      () => document.querySelectorAll(".leaflet-overlay-pane path").length > 0,
      null, { timeout: 10000 });
    const count = await page.locator("#map-count").innerText();
    check(/\d/.test(count), `the event count reads "${count}"`);
    await shot(page, "map");
  });

  await step("the map's time slider shows the events under way in each window", async () => {
    await page.goto(base + "/map?lang=en");
    await page.waitForSelector("#map-time:not([hidden])", { timeout: 10000 });
    const shown = async () => Number((await page.locator("#map-count").innerText()).trim());
    const markers = () => page.locator(".leaflet-overlay-pane path.event-marker").count();
    const total = await shown();
    check(total > 0 && (await markers()) === total, `all dates: ${await markers()} markers, count ${total}`);
    // The same GeoJSON the page drew, to count what each window must show.
    const query = await page.locator("#map").getAttribute("data-query");
    const fc = await api("/api/events.geojson" + query);
    check(fc.features.length === total, `the map shows ${total} of ${fc.features.length} events`);
    const label = page.locator("#map-window-label");
    // By keyboard: Home is the earliest window, then a week per arrow key to the latest.
    await page.locator("#map-slider").focus();
    await page.keyboard.press("Home");
    const max = Number(await page.locator("#map-slider").getAttribute("max"));
    check(max > 0, `the slider has ${max + 1} position(s)`);
    const seen = [];
    for (let i = 0; i <= max; i++) {
      if (i > 0) await page.keyboard.press("ArrowRight");
      const w = await label.evaluate((e) => ({ ...e.dataset, text: e.textContent }));
      check(w.all === "0" && w.text.startsWith("30 days: "), `position ${i}: label "${w.text}"`);
      const expected = fc.features.filter((f) =>
        f.properties.first_date <= w.end && f.properties.last_date >= w.start).length;
      const n = await shown();
      const m = await markers();
      check(n === expected && m === expected,
        `window ${w.start}..${w.end}: count ${n}, ${m} markers, ${expected} events under way`);
      seen.push(n);
    }
    check(seen.some((n) => n < total), `no window shows fewer than all ${total} events: ${seen}`);
    const lastWindow = await label.getAttribute("data-end");
    await shot(page, "map-window");
    // Play starts again from the earliest window and steps on by itself; a second press pauses.
    const playButton = page.locator("#map-play");
    await playButton.click();
    check((await playButton.getAttribute("aria-pressed")) === "true", "Play is not pressed");
    await page.waitForFunction(() => Number(document.getElementById("map-slider").value) >= 1,
      null, { timeout: 10000 });
    await playButton.click();
    check((await playButton.getAttribute("aria-pressed")) === "false", "a second press does not pause");
    const paused = await page.locator("#map-slider").inputValue();
    const w = await label.evaluate((e) => ({ ...e.dataset }));
    const expected = fc.features.filter((f) =>
      f.properties.first_date <= w.end && f.properties.last_date >= w.start).length;
    check((await shown()) === expected, `paused at ${paused}: count ${await shown()}, expected ${expected}`);
    await page.locator("#map-window").selectOption("0");
    check((await shown()) === total && (await markers()) === total, "All dates does not show every event again");
    check((await label.getAttribute("data-end")) === lastWindow, "the latest window does not end the range");
  });

  await step("the timeline draws a chart", async () => {
    await page.goto(base + "/timeline?lang=en");
    await page.waitForSelector("#chart canvas", { timeout: 10000 });
    await shot(page, "timeline");
  });

  await step("sources page", async () => {
    await page.goto(base + "/sources?lang=en");
    await shot(page, "sources");
  });

  // Hostile article through the push API: markup in the title, body, source and URL.
  const hostile = {
    id: "xss-1",
    title: 'Campak meluas di Bekasi <script>window.__xss="title";alert("title")</script>',
    text:
      "BEKASI - Dinas Kesehatan Kota Bekasi mencatat 48 kasus campak dan dua anak meninggal " +
      "dunia di Kecamatan Bekasi Utara. Wali Kota menetapkan status kejadian luar biasa (KLB) " +
      'campak. <img src=x onerror="window.__xss=\'img\';alert(\'img\')"> ' +
      '<a href="javascript:window.__xss=\'link\';alert(\'link\')">Baca selengkapnya</a> ' +
      "atau javascript:alert('teks') <svg onload=alert('svg')></svg> zebrakuda.",
    published: "2025-11-20",
    url: "javascript:window.__xss='url';alert('url')",
    lang: "id",
    source: '<b onmouseover="alert(\'source\')">Kabar Uji</b>',
  };

  async function assertInert(what) {
    const state = await page.evaluate(() => ({
      flag: window.__xss,
      jsLinks: [...document.querySelectorAll("[href],[src],[action],[formaction]")]
        .map((e) => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action") ||
          e.getAttribute("formaction") || "")
        .filter((v) => v.replace(/[\s\u0000-\u001f]/g, "").toLowerCase().startsWith("javascript:")),
      handlers: [...document.querySelectorAll("*")].filter((e) =>
        [...e.attributes].some((a) => a.name.startsWith("on"))).length,
      scripts: [...document.querySelectorAll("script")].filter((s) => s.textContent.includes("__xss")).length,
    }));
    check(state.flag === undefined, `${what}: injected script ran (window.__xss = ${state.flag})`);
    check(state.jsLinks.length === 0, `${what}: clickable javascript: URL ${JSON.stringify(state.jsLinks)}`);
    check(state.handlers === 0, `${what}: ${state.handlers} element(s) with an on* handler attribute`);
    check(state.scripts === 0, `${what}: an injected <script> element is in the page`);
    check(dialogs.length === 0, `${what}: a dialog opened: ${dialogs.join("; ")}`);
    // Hovering and clicking every link of the article text must not run anything either.
    for (const a of (await page.locator("main a").all()).slice(0, 40)) {
      await a.hover({ timeout: 1000 }).catch(() => {});
    }
    check(await page.evaluate(() => window.__xss) === undefined, `${what}: hovering ran a script`);
  }

  let articleId, eventId;
  await step("a hostile article is stored through the push API", async () => {
    const res = await api("/api/articles", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(hostile),
    });
    const item = res.items[0];
    check(["stored", "near_duplicate", "duplicate"].includes(item.status), JSON.stringify(item));
    articleId = item.article_id;
    const events = await api("/api/events?disease=measles&limit=100");
    for (const e of events.items) {
      const d = await api(`/api/events/${e.id}`);
      if (d.articles.some((a) => a.id === articleId)) eventId = e.id;
    }
    check(eventId, "the hostile article made no measles event");
  });

  await step("the hostile article page runs nothing", async () => {
    check(articleId, "no article");
    await page.goto(`${base}/articles/${articleId}?lang=en`);
    const title = await page.locator("#article-title").innerText();
    check(title.includes("<script>"), `the title is not shown as text: ${title}`);
    await assertInert("article page");
    await shot(page, "article");
  });

  await step("the hostile article's event page runs nothing", async () => {
    check(eventId, "no event");
    await page.goto(`${base}/events/${eventId}?lang=en`);
    await assertInert("event page");
    await shot(page, "event");
  });

  await step("search results with the hostile article run nothing", async () => {
    await page.goto(`${base}/search?q=zebrakuda&lang=en`);
    const hits = await page.locator("ol.hits li").count();
    check(hits > 0, "the hostile article is not found by search");
    await assertInert("search page");
    await shot(page, "search");
  });
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`all browser checks passed; screenshots in ${shots}`);
