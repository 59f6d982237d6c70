#!/usr/bin/env python3
"""Screenshot of a Superset dashboard in headless Chromium, logged in as the demo admin.

    .venv/superset/bin/python scripts/screenshot-dashboard.py [--slug superset-gitops-pipeline]
        [--out .run/screenshots/<slug>.png] [--width 1600] [--height 2000] [--timeout 120]

Run with Superset's venv python (requests and websocket-client come with Superset). Needs Debian's
`chromium` (apt-get install -y chromium). Logs in through Superset's /login/ form, hands the session
cookie to a fresh Chromium profile over the DevTools protocol, opens the dashboard, waits until every
chart has rendered, and fails (exit 1) if a chart shows an error or renders nothing in time.
Environment: SUPERSET_URL (http://127.0.0.1:8088), SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD (admin).
"""

import argparse
import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]

# What the page says about its charts: how many, how many still loading, which show an error.
PROBE = """(() => {
  const charts = [...document.querySelectorAll('[data-test="chart-grid-component"]')];
  const state = charts.map((chart) => {
    const title = chart.querySelector('[data-test="editable-title"]')?.textContent?.trim() ?? '?';
    const body = chart.querySelector('[data-test="chart-container"]') ?? chart;
    const error = body.querySelector('[role="alert"], .ant-alert-error');
    const loading = chart.querySelector('[data-test="loading-indicator"], .loading');
    const drawn = body.querySelector('canvas, table, svg, .ant-empty, [data-test="no-results"]');
    return { title, error: error ? error.textContent.trim().slice(0, 300) : null, loading: !!loading, drawn: !!drawn };
  });
  return JSON.stringify({ state, height: document.documentElement.scrollHeight });
})()"""


def main() -> int:
    args = parse_args()
    base = os.environ.get("SUPERSET_URL", "http://127.0.0.1:8088").rstrip("/")
    user = os.environ.get("SUPERSET_ADMIN_USER", "admin")
    password = os.environ.get("SUPERSET_ADMIN_PASSWORD", "admin")
    out = Path(args.out or REPO / ".run" / "screenshots" / f"{args.slug}.png")
    chromium = shutil.which("chromium")
    if chromium is None:
        fail("chromium is not installed (as root: apt-get install -y chromium)")
    cookie = login(base, user, password)
    profile = tempfile.mkdtemp(prefix="superset-screenshot-")
    browser = subprocess.Popen(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={args.width},{args.height}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = Page(devtools_page(profile, browser))
        page.call("Network.enable")
        page.call("Network.setCookie", name="session", value=cookie, url=base, httpOnly=True)
        page.call("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height, deviceScaleFactor=1, mobile=False)
        url = f"{base}/superset/dashboard/{args.slug}/?standalone=1"
        page.call("Page.navigate", url=url)
        state = wait_rendered(page, args.timeout)
        time.sleep(1.5)  # animations (ECharts) settle
        # Resizing the viewport now would make Superset lay out and draw again: capture as it is,
        # cut to the page's height (give --height to see more of a long dashboard).
        clip = {"x": 0, "y": 0, "width": args.width, "height": min(args.height, state["height"]), "scale": 1}
        png = base64.b64decode(page.call("Page.captureScreenshot", format="png", clip=clip)["data"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(png)
        titles = ", ".join(c["title"] for c in state["state"])
        print(f"screenshot: {out} ({len(png)} bytes, {len(state['state'])} charts: {titles})")
        return 0
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slug", default="superset-gitops-pipeline")
    parser.add_argument("--out")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=120)
    return parser.parse_args()


def fail(message: str) -> None:
    print(f"screenshot: ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def login(base: str, user: str, password: str) -> str:
    """The session cookie of a form login (what the browser's login page does)."""
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30)
    match = re.search(r'id="csrf_token"\s+value="([^"]+)"', page.text)
    if page.status_code != 200 or match is None:
        fail(f"GET {base}/login/ gave HTTP {page.status_code} without a CSRF token: is Superset running?")
    session.post(f"{base}/login/", data={"username": user, "password": password, "csrf_token": match.group(1)}, timeout=30)
    if session.get(f"{base}/api/v1/me/", timeout=30).status_code != 200:
        fail(f"login as {user} at {base} failed (wrong SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD?)")
    return session.cookies["session"]


def devtools_page(profile: str, browser: subprocess.Popen) -> str:
    """The page's DevTools WebSocket URL; Chromium writes its port to DevToolsActivePort."""
    port_file = Path(profile) / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not port_file.exists() or not port_file.read_text().strip():
        if browser.poll() is not None:
            fail(f"chromium exited with {browser.returncode} before opening DevTools")
        if time.monotonic() > deadline:
            fail("chromium did not open DevTools within 30 s")
        time.sleep(0.1)
    port = port_file.read_text().split()[0]
    targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
    return next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")


class Page:
    """Just enough of the DevTools protocol: one call at a time, events ignored."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params):
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    fail(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def wait_rendered(page: Page, timeout: float) -> dict:
    """Polls until every chart has drawn something and none is loading, twice in a row."""
    deadline = time.monotonic() + timeout
    steady = 0
    state = {"state": [], "height": 0}
    while time.monotonic() < deadline:
        raw = page.evaluate(PROBE)
        state = json.loads(raw) if raw else state
        charts = state["state"]
        errors = [f"{c['title']}: {c['error']}" for c in charts if c["error"]]
        if errors:
            fail("charts show errors:\n  " + "\n  ".join(errors))
        done = charts and all(c["drawn"] and not c["loading"] for c in charts)
        steady = steady + 1 if done else 0
        if steady >= 2:
            return state
        time.sleep(0.5)
    pending = [c["title"] for c in state["state"] if not c["drawn"] or c["loading"]]
    fail(f"not rendered within {timeout:g} s ({len(state['state'])} charts; still waiting for: {', '.join(pending) or 'the dashboard'})")
    return state


if __name__ == "__main__":
    sys.exit(main())
