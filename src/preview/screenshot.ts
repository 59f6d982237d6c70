// PNGs of charts and dashboards as Superset's UI draws them, in headless Chromium (puppeteer-core and
// the system's browser: Debian's `chromium`, or SUPERSET_GITOPS_CHROMIUM). The session comes from
// Superset's own login form, as a person's browser would get it.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export interface ScreenshotTarget {
  kind: 'chart' | 'dashboard';
  id: number;
  /** Where the PNG goes. */
  file: string;
}

export interface ScreenshotResult {
  file: string;
  ok: boolean;
  error?: string;
}

export interface ScreenshotOptions {
  url: string;
  username: string;
  password: string;
  /** Per screenshot (default 90 s). */
  timeoutMs?: number;
  browser?: string;
}

const BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser to drive, or why there is none. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.SUPERSET_GITOPS_CHROMIUM;
  if (given) return existsSync(given) ? given : undefined;
  return BROWSERS.find((b) => existsSync(b));
}

/** Superset's session cookie after a form login (what its login page does). */
async function sessionCookie(options: ScreenshotOptions): Promise<{ name: string; value: string }> {
  const base = options.url.replace(/\/+$/, '');
  const page = await axios.get<string>(`${base}/login/`, { responseType: 'text', timeout: 30_000 });
  const token = /id="csrf_token"\s+value="([^"]+)"/.exec(page.data)?.[1];
  const first = (page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  if (!token) throw new Error(`${base}/login/ has no CSRF token: is this Superset?`);
  const form = new URLSearchParams({
    username: options.username,
    password: options.password,
    csrf_token: token,
  });
  const answer = await axios.post(`${base}/login/`, form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: first },
    maxRedirects: 0,
    validateStatus: (s) => s < 400,
    timeout: 30_000,
  });
  const session = (answer.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0] as string)
    .find((c) => c.startsWith('session='));
  if (!session || answer.status !== 302) throw new Error(`login to ${base} as ${options.username} failed`);
  return { name: 'session', value: session.slice('session='.length) };
}

// The state of the page's charts: on a dashboard each chart's grid cell, on the explore page its one
// chart container; whether any still loads or shows an error, and whether each has drawn (a canvas,
// svg or table, a Big Number's text, or "no results").
const PROBE = `((selector) => {
  const holders = [...document.querySelectorAll(selector)];
  const charts = holders.map((holder) => {
    const body = holder.matches('[data-test="chart-container"]') ? holder : holder.querySelector('[data-test="chart-container"]');
    const error = holder.querySelector('[role="alert"], .ant-alert-error');
    const loading = holder.querySelector('[data-test="loading-indicator"], .loading');
    const drawn = !!body && (!!body.querySelector('canvas, table, svg, .ant-empty, [data-test="no-results"], .superset-legacy-chart-big-number, [class*="big_number"], [class*="big-number"]')
      || (body.textContent || '').trim().length > 0);
    return { error: error ? error.textContent.trim().slice(0, 300) : null, loading: !!loading, drawn };
  });
  return { charts };
})`;

interface Probe {
  charts: { error: string | null; loading: boolean; drawn: boolean }[];
}

const SELECTORS = {
  chart: '[data-test="chart-container"]',
  dashboard: '[data-test="chart-grid-component"]',
};

async function waitRendered(page: Page, kind: 'chart' | 'dashboard', timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let steady = 0;
  let last: Probe = { charts: [] };
  while (Date.now() < deadline) {
    last = (await page.evaluate(`${PROBE}(${JSON.stringify(SELECTORS[kind])})`)) as Probe;
    const errors = last.charts.filter((c) => c.error).map((c) => c.error);
    if (errors.length) throw new Error(`Superset shows an error: ${errors.join('; ')}`);
    const done =
      last.charts.length > 0 &&
      (kind === 'dashboard' ? last.charts : last.charts.slice(0, 1)).every((c) => c.drawn && !c.loading);
    steady = done ? steady + 1 : 0;
    if (steady >= 2) return;
    await new Promise((r) => setTimeout(r, 400));
  }
  const pending = last.charts.filter((c) => !c.drawn || c.loading).length;
  throw new Error(
    `not rendered in ${timeoutMs / 1000} s (${last.charts.length} charts, ${pending} not drawn)`,
  );
}

/**
 * One PNG per target; a target that fails is reported, the others still run. The browser is started
 * once and closed at the end.
 */
export async function takeScreenshots(
  targets: readonly ScreenshotTarget[],
  options: ScreenshotOptions,
): Promise<ScreenshotResult[]> {
  if (!targets.length) return [];
  const executablePath = options.browser ?? findBrowser();
  if (!executablePath)
    throw new Error(
      "no Chromium found: install Debian's `chromium` or set SUPERSET_GITOPS_CHROMIUM to a browser",
    );
  const base = options.url.replace(/\/+$/, '');
  const cookie = await sessionCookie(options);
  const timeoutMs = options.timeoutMs ?? 90_000;
  let browser: Browser | undefined;
  const results: ScreenshotResult[] = [];
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--hide-scrollbars'],
    });
    for (const target of targets) {
      const page = await browser.newPage();
      try {
        const size = target.kind === 'chart' ? { width: 1200, height: 800 } : { width: 1600, height: 1400 };
        await page.setViewport(size);
        await page.setCookie({ ...cookie, url: base });
        const url =
          target.kind === 'chart'
            ? `${base}/explore/?slice_id=${target.id}&standalone=1`
            : `${base}/superset/dashboard/${target.id}/?standalone=1`;
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
        await waitRendered(page, target.kind, timeoutMs);
        if (target.kind === 'dashboard') {
          // A taller window, not a full-page capture: resizing during the capture makes the grid lay
          // out and draw its charts again, and the PNG would catch them blank.
          const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
          if (height > size.height) {
            await page.setViewport({ ...size, height: Math.min(height, 8000) });
            await waitRendered(page, target.kind, timeoutMs);
          }
        }
        await new Promise((r) => setTimeout(r, 1000)); // chart animations settle
        mkdirSync(path.dirname(target.file), { recursive: true });
        await page.screenshot({ path: target.file });
        results.push({ file: target.file, ok: true });
      } catch (e) {
        results.push({ file: target.file, ok: false, error: (e as Error).message });
      } finally {
        await page.close().catch(() => undefined);
      }
    }
  } finally {
    await browser?.close();
  }
  return results;
}
