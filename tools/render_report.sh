#!/usr/bin/env bash
# Render a capsim report to a full-page PNG with headless Chromium and fail on page errors.
#
# usage: tools/render_report.sh [REPORT_HTML] [OUT_PNG] [WIDTH_PX] [SCALE]
#   REPORT_HTML  default out/soyuz-tma-11/report.html
#   OUT_PNG      default: REPORT_HTML with .png instead of .html
#   WIDTH_PX     viewport width in CSS pixels, default 1280
#   SCALE        image scale (0.5 = half size, for docs/img/report.png), default 1
# Environment: RENDER_CLIP="Y,H" captures only CSS pixels Y..Y+H of the page (to look at one
# part of a long report at full size).
#
# Needs: python3 and Chromium (Debian package `chromium`: sudo apt-get install chromium).
# How: Chromium runs headless with the DevTools protocol on a pipe (--remote-debugging-pipe);
# the script opens the page, waits for the load event, measures the full page height
# (Page.getLayoutMetrics), captures it (Page.captureScreenshot, captureBeyondViewport) and
# collects problems: JavaScript exceptions, console errors, log entries of level "error" and
# every network request that is not file:// or data: (the report must work offline; all
# host names are also mapped to nowhere). Exit status: 0 rendered and clean, 1 page problems
# (listed on stderr), 2 usage or missing Chromium.
set -euo pipefail

html=${1:-out/soyuz-tma-11/report.html}
png=${2:-${html%.html}.png}
width=${3:-1280}
scale=${4:-1}

if [[ ! -f "$html" ]]; then
    echo "render_report: no such file: $html (run: capsim run scenarios/soyuz-tma-11.toml)" >&2
    exit 2
fi
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
done
if [[ -z "$browser" ]]; then
    echo "render_report: Chromium not found (Debian: apt-get install chromium)" >&2
    exit 2
fi

exec python3 - "$browser" "$(realpath "$html")" "$png" "$width" "$scale" <<'PY'
import base64, json, os, subprocess, sys, tempfile, time

browser, html, png, width, scale = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
profile = tempfile.mkdtemp(prefix="capsim-chromium-")
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()

def child_fds():
    os.dup2(to_chrome_r, 3)
    os.dup2(from_chrome_w, 4)

proc = subprocess.Popen(
    [browser, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
     "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
     "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
     f"--window-size={width},900", "about:blank"],
    pass_fds=(3, 4), preexec_fn=child_fds,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
out = os.fdopen(to_chrome_w, "wb", buffering=0)
inp = os.fdopen(from_chrome_r, "rb", buffering=0)
buf = b""
next_id = 0
events = []
problems = []

def read_message(deadline):
    global buf
    while b"\0" not in buf:
        if time.time() > deadline:
            raise TimeoutError("Chromium did not answer in time")
        chunk = inp.read(65536)
        if not chunk:
            raise RuntimeError("Chromium closed the pipe")
        buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)

def note(m):
    meth, p = m.get("method", ""), m.get("params", {})
    if meth == "Runtime.exceptionThrown":
        problems.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:300])
    elif meth == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
        problems.append("console error: " + json.dumps(p.get("args", []))[:300])
    elif meth == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
        e = p["entry"]
        problems.append(f"log error: {e.get('text', '')} {e.get('url', '')}"[:300])
    elif meth == "Network.requestWillBeSent":
        url = p.get("request", {}).get("url", "")
        if not (url.startswith("file:") or url.startswith("data:") or url == "about:blank"):
            problems.append("network fetch: " + url[:200])

def call(method, params=None, session=None, timeout=60):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    out.write(json.dumps(msg).encode() + b"\0")
    deadline = time.time() + timeout
    while True:
        m = read_message(deadline)
        if m.get("id") == next_id:
            if "error" in m:
                raise RuntimeError(f"{method}: {m['error']}")
            return m.get("result", {})
        note(m)
        events.append(m)

def wait_event(name, timeout=60):
    deadline = time.time() + timeout
    for i, m in enumerate(events):
        if m.get("method") == name:
            del events[i]
            return m
    while True:
        m = read_message(deadline)
        note(m)
        if m.get("method") == name:
            return m

try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        call(f"{domain}.enable", session=s)
    call("Emulation.setDeviceMetricsOverride",
         {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=s)
    call("Page.navigate", {"url": "file://" + html}, session=s)
    wait_event("Page.loadEventFired")
    time.sleep(0.5)
    metrics = call("Page.getLayoutMetrics", session=s)
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    height = int(size["height"] + 0.999)
    call("Emulation.setDeviceMetricsOverride",
         {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=s)
    clip_y, clip_h = 0, height
    if os.environ.get("RENDER_CLIP"):
        cy, ch = (int(v) for v in os.environ["RENDER_CLIP"].split(","))
        clip_y, clip_h = max(0, min(cy, height - 1)), max(1, min(ch, height - max(0, cy)))
    shot = call("Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True,
                 "clip": {"x": 0, "y": clip_y, "width": width, "height": clip_h, "scale": scale}},
                session=s, timeout=120)
    with open(png, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    # Drain events that arrived with the screenshot.
    call("Runtime.evaluate", {"expression": "1"}, session=s)
    for m in events:
        note(m)
    try:
        call("Browser.close", timeout=5)
    except Exception:
        pass
finally:
    try:
        proc.wait(timeout=10)
    except Exception:
        proc.kill()
    subprocess.run(["rm", "-rf", profile])

print(f"render_report: {png} ({width} x {height} CSS px, scale {scale})")
if problems:
    for p in sorted(set(problems)):
        print("render_report: " + p, file=sys.stderr)
    sys.exit(1)
PY
