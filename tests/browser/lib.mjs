// lib.mjs: what the browser tests share — Debian's Chromium through playwright-core, the
// paths (repo, dist, corpus, artifacts), the npm package as `npm pack` makes it, and the
// network log of a browser context.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

import { serve } from './server.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = `${ROOT}dist/`;
/** Everything the browser tier writes (bundled apps, packed package, screenshots): not committed. */
export const OUT = `${ROOT}build/browser-artifacts/`;
export const CORPUS = process.env.PITH_CORPUS
  ? process.env.PITH_CORPUS.replace(/\/?$/, '/')
  : fileURLToPath(new URL('../shared/corpus/', `file://${ROOT}`));
export const CHROMIUM = process.env.PITH_CHROMIUM ?? '/usr/bin/chromium';

/** Test options: skip with a clear reason when Chromium is not installed. */
export const needsChromium = existsSync(CHROMIUM) ? {} : { skip: `${CHROMIUM} is missing (apt-get install chromium)` };
export const needsCorpus = (sub) =>
  existsSync(CORPUS + sub) ? {} : { skip: `corpus ${CORPUS}${sub} is missing (set PITH_CORPUS)` };

/** Headless Debian Chromium, fresh profile (launch() makes a temporary one), nothing phoning
 *  home: the tests' network logs must hold only what the page asked for. */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-domain-reliability',
      '--disable-client-side-phishing-detection',
      '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
      '--metrics-recording-only',
      '--no-first-run',
      '--no-default-browser-check',
      '--no-pings',
    ],
  });
}

/** A new context whose every request (pages, workers) is logged; any request leaving
 *  127.0.0.1 is refused and logged as `external`. */
export async function context(browser) {
  const ctx = await browser.newContext();
  const log = [];
  const external = [];
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1') return route.continue();
    external.push(u.href);
    return route.abort();
  });
  ctx.on('response', async (res) => {
    const u = new URL(res.url());
    if (u.protocol !== 'http:') return;
    log.push({ url: res.url(), path: u.pathname, status: res.status(), type: res.headers()['content-type'] ?? '' });
  });
  return { ctx, log, external };
}

/** Collect a page's console errors and uncaught exceptions (a test asserts there are none). */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** The npm package exactly as `npm pack` of dist/ makes it, unpacked to
 *  <dir>/node_modules/pith (so bundlers and tsc resolve `pith` as from the registry). */
export function installPackedPackage(dir) {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.tgz')) rmSync(dir + f);
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: DIST, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(out);
  const target = `${dir}node_modules/pith/`;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', dir + filename, '-C', target, '--strip-components=1']);
  return target;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The servers and browser most page tests share, set up before the file's tests and closed
 *  after them: `site` (plain) and `isolated` (COOP + COEP: crossOriginIsolated,
 *  SharedArrayBuffer), both serving the source tree at / and the corpus at /corpus/. */
export function useSites() {
  const s = { browser: null, site: null, isolated: null };
  before(async () => {
    if (needsChromium.skip) return;
    const mounts = { '/': ROOT, '/corpus/': CORPUS };
    s.site = await serve({ mounts });
    s.isolated = await serve({ mounts, isolated: true });
    s.browser = await launch();
  });
  after(async () => {
    await s.browser?.close();
    await Promise.all([s.site?.close(), s.isolated?.close()]);
  });
  return s;
}

/** A new context and a blank page of `server` with its console errors watched. */
export async function blankPage(browser, server) {
  const { ctx, external } = await context(browser);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url('/tests/browser/pages/blank.html'));
  return { ctx, page, errors, external };
}

/** Every file below dir (paths, recursively). */
export function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Serve the built app in `out` and open its index.html in a new context of `browser`: the
 *  page's window.result (set by the app once it has run), the context's request log and
 *  external requests, and the page's console errors. */
export async function runApp(browser, out) {
  const site = await serve({ mounts: { '/': out } });
  const { ctx, log, external } = await context(browser);
  try {
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(site.url('/index.html'));
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20000 });
    return { result: await page.evaluate(() => window.result), log, external, errors };
  } finally {
    await ctx.close();
    await site.close();
  }
}
