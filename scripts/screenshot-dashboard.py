#!/usr/bin/env python3
"""Screenshot of a Superset dashboard or chart in headless Chromium, logged in as the demo admin.

    .venv/superset/bin/python scripts/screenshot-dashboard.py [--slug superset-gitops-pipeline]
        [--out .run/screenshots/<slug>.png] [--width 1600] [--height 2000] [--timeout 120]
    .venv/superset/bin/python scripts/screenshot-dashboard.py (--chart-id ID | --chart NAME) [--properties]
        [--out .run/screenshots/chart-<id>[-properties].png] [--width 1400] [--height 900] [--timeout 120]

Run with Superset's venv python (requests, websocket-client and prison come with Superset). Needs
Debian's `chromium` (apt-get install -y chromium). Logs in through Superset's /login/ form and hands
the session cookie to a fresh Chromium profile over the DevTools protocol.

Dashboard (the default, --slug): opens the dashboard standalone, waits until every chart has rendered,
and fails (exit 1) if a chart shows an error or renders nothing in time. Captures down to --height.

Chart (--chart-id, or --chart with the chart's exact name, looked up through /api/v1/chart/): opens
the chart's explore page and waits until Superset has rendered it (its chart container is there, no
loading indicator, something drawn), failing (exit 1) on an error or a timeout. With --properties it
then opens "Edit chart properties" from the header's menu, points at the modal's Save button and waits
for the notice Superset shows there for a chart marked `is_managed_externally` ("This chart is managed
externally, and can't be edited in Superset"); exit 1 if that notice does not appear within --timeout
(the message says whether Superset's API has the chart marked). Captures the viewport. The
--properties steps follow Superset 6.1's explore page (tried with 6.1.0 only).

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
DEFAULT_SLUG = "superset-gitops-pipeline"
# Viewport per mode: a dashboard is captured down to its height, a chart's explore page fills the window.
SIZES = {"dashboard": (1600, 2000), "chart": (1400, 900)}
# What Superset says on a managed chart's Save button ("This chart is managed externally, and can't be
# edited in Superset"; the same words in the bundles of 4.1.4 to 6.1.0). The menu and modal selectors
# used to get there (actions-trigger, properties-edit-modal, modal-confirm-button) are Superset 6.1's.
NOTICE = re.compile(r"managed externally", re.IGNORECASE)

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

# The explore page's one chart: its panel (.main-explore-content) holds Superset's chart container once
# the chart has rendered, a loading indicator while it queries, an error alert instead if it failed.
EXPLORE_PROBE = """(() => {
  const panel = document.querySelector('.main-explore-content');
  const title = document.querySelector('[data-test="editable-title-input"]')?.value ?? '?';
  if (!panel) return JSON.stringify({ title, panel: false });
  const body = panel.querySelector('[data-test="chart-container"]');
  const error = panel.querySelector('[role="alert"], .ant-alert-error');
  const loading = panel.querySelector('[data-test="loading-indicator"], .loading');
  const drawn = body?.querySelector('canvas, table, svg, .ant-empty, [data-test="no-results"]')
    ?? body?.querySelector('.superset-legacy-chart-big-number, [class*="big_number"], [class*="big-number"]');
  return JSON.stringify({
    title, panel: true, container: !!body, loading: !!loading, drawn: !!drawn,
    error: error ? error.textContent.trim().slice(0, 300) : null,
  });
})()"""

# The centre of the first visible element matching a selector (and a text, if given), or null.
LOCATE = """((selector, text) => {
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const el = [...document.querySelectorAll(selector)]
    .find((e) => visible(e) && (text === null || e.textContent.trim() === text));
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return JSON.stringify({ x: r.left + r.width / 2, y: r.top + r.height / 2, disabled: !!el.disabled });
})"""

# The properties modal once its form is there: its title and Save button.
MODAL_PROBE = """(() => {
  const modal = document.querySelector('[data-test="properties-edit-modal"] .ant-modal-content');
  const name = modal?.querySelector('[data-test="properties-modal-name-input"]');
  const save = modal?.querySelector('[data-test="modal-confirm-button"]');
  if (!modal || !name || !save) return null;
  return JSON.stringify({ name: name.value, saveDisabled: save.disabled });
})()"""

# A shown tooltip whose text matches the notice, and whether the page has stopped animating (antd's
# modal and tooltip open with CSS animations; infinite ones, such as spinners, do not count).
NOTICE_PROBE = """((pattern) => {
  const re = new RegExp(pattern, 'i');
  const tip = [...document.querySelectorAll('.ant-tooltip:not(.ant-tooltip-hidden)')]
    .find((t) => re.test(t.textContent) && t.getBoundingClientRect().width > 0);
  if (!tip) return null;
  const moving = document.getAnimations().filter((a) =>
    a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity);
  return JSON.stringify({ text: tip.textContent.trim(), settled: moving.length === 0 });
})"""


def main() -> int:
    args = parse_args()
    base = os.environ.get("SUPERSET_URL", "http://127.0.0.1:8088").rstrip("/")
    user = os.environ.get("SUPERSET_ADMIN_USER", "admin")
    password = os.environ.get("SUPERSET_ADMIN_PASSWORD", "admin")
    chromium = shutil.which("chromium")
    if chromium is None:
        fail("chromium is not installed (as root: apt-get install -y chromium)")
    session = login(base, user, password)
    chart = find_chart(session, base, args) if args.mode == "chart" else None
    if args.out:
        out = Path(args.out)
    elif chart:
        out = REPO / ".run" / "screenshots" / f"chart-{chart['id']}{'-properties' if args.properties else ''}.png"
    else:
        out = REPO / ".run" / "screenshots" / f"{args.slug}.png"
    profile = tempfile.mkdtemp(prefix="superset-screenshot-")
    browser = subprocess.Popen(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={args.width},{args.height}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = Page(devtools_page(profile, browser))
        page.call("Network.enable")
        page.call("Network.setCookie", name="session", value=session.cookies["session"], url=base, httpOnly=True)
        page.call("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height, deviceScaleFactor=1, mobile=False)
        if chart:
            png, summary = shoot_chart(page, base, chart, args)
        else:
            png, summary = shoot_dashboard(page, base, args)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(png)
        print(f"screenshot: {out} ({len(png)} bytes, {summary})")
        return 0
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


def shoot_dashboard(page: "Page", base: str, args: argparse.Namespace) -> tuple[bytes, str]:
    page.call("Page.navigate", url=f"{base}/superset/dashboard/{args.slug}/?standalone=1")
    state = wait_rendered(page, args.timeout)
    time.sleep(1.5)  # animations (ECharts) settle
    # Resizing the viewport now would make Superset lay out and draw again: capture as it is,
    # cut to the page's height (give --height to see more of a long dashboard).
    clip = {"x": 0, "y": 0, "width": args.width, "height": min(args.height, state["height"]), "scale": 1}
    png = base64.b64decode(page.call("Page.captureScreenshot", format="png", clip=clip)["data"])
    titles = ", ".join(c["title"] for c in state["state"])
    return png, f"{len(state['state'])} charts: {titles}"


def shoot_chart(page: "Page", base: str, chart: dict, args: argparse.Namespace) -> tuple[bytes, str]:
    deadline = time.monotonic() + args.timeout
    page.call("Page.navigate", url=f"{base}/explore/?slice_id={chart['id']}")
    state = wait_explore(page, deadline, args.timeout)
    time.sleep(1.5)  # animations (ECharts) settle, as for a dashboard
    summary = f'chart {chart["id"]} "{state["title"]}"'
    if args.properties:
        notice, save_disabled = open_properties(page, chart, deadline, args.timeout)
        summary += f', properties modal: "{notice}" on {"a disabled" if save_disabled else "an enabled"} Save button'
    png = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
    return png, summary


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--slug", help=f"dashboard slug (default: {DEFAULT_SLUG})")
    target.add_argument("--chart-id", type=int, help="screenshot this chart's explore page")
    target.add_argument("--chart", metavar="NAME", help="the same, for the chart with this exact name")
    parser.add_argument(
        "--properties",
        action="store_true",
        help="with --chart-id/--chart: open Edit chart properties and show its managed-externally notice",
    )
    parser.add_argument("--out", help="PNG to write (default: under .run/screenshots/)")
    parser.add_argument("--width", type=int, help="viewport width (dashboard 1600, chart 1400)")
    parser.add_argument("--height", type=int, help="viewport height (dashboard 2000, chart 900)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for rendering (and the notice)")
    args = parser.parse_args()
    args.mode = "chart" if args.chart_id is not None or args.chart is not None else "dashboard"
    if args.properties and args.mode != "chart":
        parser.error("--properties needs --chart-id or --chart")
    if args.mode == "dashboard" and args.slug is None:
        args.slug = DEFAULT_SLUG
    width, height = SIZES[args.mode]
    args.width = args.width or width
    args.height = args.height or height
    return args


def fail(message: str) -> None:
    print(f"screenshot: ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def login(base: str, user: str, password: str) -> requests.Session:
    """A session after a form login (what the browser's login page does); its cookie is `session`."""
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30)
    match = re.search(r'id="csrf_token"\s+value="([^"]+)"', page.text)
    if page.status_code != 200 or match is None:
        fail(f"GET {base}/login/ gave HTTP {page.status_code} without a CSRF token: is Superset running?")
    session.post(f"{base}/login/", data={"username": user, "password": password, "csrf_token": match.group(1)}, timeout=30)
    if session.get(f"{base}/api/v1/me/", timeout=30).status_code != 200:
        fail(f"login as {user} at {base} failed (wrong SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD?)")
    return session


def find_chart(session: requests.Session, base: str, args: argparse.Namespace) -> dict:
    """The chart (id, slice_name, is_managed_externally) by --chart-id, or by its exact --chart name."""
    chart_id = args.chart_id
    if chart_id is None:
        import prison  # rison, as Superset's list API takes its query; comes with Superset

        query = {
            "filters": [{"col": "slice_name", "opr": "eq", "value": args.chart}],
            "columns": ["id", "slice_name"],
            "page_size": 100,
        }
        response = session.get(f"{base}/api/v1/chart/", params={"q": prison.dumps(query)}, timeout=30)
        if response.status_code != 200:
            fail(f"GET /api/v1/chart/ gave HTTP {response.status_code}: {response.text[:300]}")
        rows = [r for r in response.json()["result"] if r["slice_name"] == args.chart]
        if not rows:
            fail(f"no chart named {args.chart!r}")
        if len(rows) > 1:
            fail(f"{len(rows)} charts are named {args.chart!r} (ids {', '.join(str(r['id']) for r in rows)}): give --chart-id")
        chart_id = rows[0]["id"]
    response = session.get(f"{base}/api/v1/chart/{chart_id}", timeout=30)
    if response.status_code == 404:
        fail(f"no chart with id {chart_id}")
    if response.status_code != 200:
        fail(f"GET /api/v1/chart/{chart_id} gave HTTP {response.status_code}: {response.text[:300]}")
    result = response.json()["result"]
    return {"id": chart_id, "slice_name": result["slice_name"], "is_managed_externally": result.get("is_managed_externally")}


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

    def probe(self, expression: str):
        """An expression that returns JSON text or null, decoded."""
        raw = self.evaluate(expression)
        return json.loads(raw) if raw else None

    def mouse(self, x: float, y: float, click: bool = False) -> None:
        """Moves the mouse there (hover), and clicks with the left button if asked."""
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        if click:
            self.call("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
            self.call("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="left", clickCount=1)


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


def wait_explore(page: Page, deadline: float, timeout: float) -> dict:
    """Polls the explore page until its chart has drawn something and is not loading, twice in a row."""
    steady = 0
    state = {"title": "?", "panel": False}
    while time.monotonic() < deadline:
        state = page.probe(EXPLORE_PROBE) or state
        if state.get("error"):
            fail(f"chart {state['title']} shows an error: {state['error']}")
        done = state.get("container") and state.get("drawn") and not state.get("loading")
        steady = steady + 1 if done else 0
        if steady >= 2:
            return state
        time.sleep(0.5)
    where = "the explore page did not load" if not state.get("panel") else "the chart did not render"
    fail(f"not rendered within {timeout:g} s ({where}; last seen: {json.dumps(state)})")
    return state


def wait_for(page: Page, expression: str, deadline: float, what: str, timeout: float):
    """Polls a probe until it returns something; fails naming `what` at the deadline."""
    while time.monotonic() < deadline:
        found = page.probe(expression)
        if found:
            return found
        time.sleep(0.25)
    fail(f"{what} within {timeout:g} s")


def open_properties(page: Page, chart: dict, deadline: float, timeout: float) -> tuple[str, bool]:
    """Opens Edit chart properties, hovers its Save button, waits for the managed-externally notice.

    Returns the notice's text and whether the Save button is disabled."""
    def locate(selector: str, text: str | None = None) -> str:
        return f"({LOCATE})({json.dumps(selector)}, {json.dumps(text)})"

    trigger = wait_for(page, locate('[data-test="actions-trigger"]'), deadline, "no menu button in the explore header", timeout)
    page.mouse(trigger["x"], trigger["y"], click=True)
    item = wait_for(
        page,
        locate('.ant-dropdown-menu-item, [role="menuitem"]', "Edit chart properties"),
        deadline,
        'the header menu has no "Edit chart properties" (may this user edit the chart?)',
        timeout,
    )
    page.mouse(item["x"], item["y"], click=True)
    modal = wait_for(page, MODAL_PROBE, deadline, "the chart properties modal did not open", timeout)
    save = wait_for(page, locate('[data-test="properties-edit-modal"] [data-test="modal-confirm-button"]'), deadline, "no Save button", timeout)
    # Superset wraps a disabled button that has a tooltip in a span, which shows the tooltip on hover.
    page.mouse(save["x"], save["y"])
    probe = f"({NOTICE_PROBE})({json.dumps(NOTICE.pattern)})"
    notice = None
    while time.monotonic() < deadline:
        notice = page.probe(probe)
        if notice and notice["settled"]:
            return notice["text"], modal["saveDisabled"]
        time.sleep(0.25)
    marked = chart["is_managed_externally"]
    fail(
        f'the notice "... managed externally ..." did not appear on the Save button of chart {chart["id"]} '
        f'within {timeout:g} s ({"shown but still animating" if notice else "no such tooltip"}; '
        f"Superset's API says is_managed_externally: {json.dumps(marked)}"
        + ("" if marked else ", so Superset shows no notice: apply the chart from an environment with mark_managed: true")
        + ")"
    )
    return "", False


if __name__ == "__main__":
    sys.exit(main())
