"""The live page as fans have it, on a running stack (`make run`, a demo match live):

    python -m bench.walk [--base http://127.0.0.1:8000] [--realtime-port 8001] [--fans 1000]
        [--seconds 60]

Opens the first live match's centre in Debian's Chromium at 360 and 1280 px (Playwright) beside
N socket fans speaking the page's protocol (`?stream=page`), for a while; prints each page's HTTP
requests after load (none is the aim: every version is pushed), whether each pushed page equals
a fresh load of it, the fans' bytes per version and the realtime processes' CPU per fan per
version. Screenshots in test-artifacts/walk-*.png.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import threading
import time
import urllib.request
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _realtime_processes(port: int):
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        line = " ".join(proc.info["cmdline"] or [])
        if "realtime_application" in line and f"--port {port}" in line:
            return [proc, *proc.children(recursive=True)]
    raise SystemExit(f"No realtime process on port {port}: is `make run` up?")


def _fans(port: int, match: int, count: int, counts: dict, stop: threading.Event) -> None:
    import websockets

    async def one():
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/matches/{match}/?stream=page",
                                      origin="http://127.0.0.1", max_queue=None,
                                      compression=None) as ws:
            await ws.recv()  # the page whole
            while not stop.is_set():
                try:
                    text = await asyncio.wait_for(ws.recv(), 1)
                except TimeoutError:
                    continue
                counts["messages"] += 1
                counts["bytes"] += len(text.encode())

    async def all_fans():
        await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)

    asyncio.run(all_fans())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--realtime-port", type=int, default=8001)
    parser.add_argument("--fans", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    lists = urllib.request.urlopen(f"{args.base}/matches/").read().decode()
    match = int(re.findall(r'href="/matches/(\d+)/"', lists)[0])
    processes = _realtime_processes(args.realtime_port)
    counts, stop = {"messages": 0, "bytes": 0}, threading.Event()
    fans = threading.Thread(target=_fans, daemon=True, args=(
        args.realtime_port, match, args.fans, counts, stop))
    fans.start()
    time.sleep(5 + args.fans / 500)  # connected

    def cpu() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in processes)

    def shown(page) -> str:
        return re.sub(r"\s+", " ", page.locator("#scoreboard").inner_text()).strip()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox"])
        pages = []
        for width in (360, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{args.base}/matches/{match}/")
            page.wait_for_selector("#conn.conn-live", timeout=20_000)
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            pages.append((width, page, requests))
        cpu0, messages0 = cpu(), counts["messages"]
        time.sleep(args.seconds)
        spent, messages = cpu() - cpu0, counts["messages"] - messages0
        for width, page, requests in pages:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"walk-{width}.png"), full_page=True)
            fresh = browser.new_page(viewport={"width": width, "height": 900})
            fresh.goto(f"{args.base}/matches/{match}/")
            for _ in range(10):  # a ball may land between the two reads: read again
                same = shown(page) == shown(fresh)
                if same:
                    break
                time.sleep(0.3)
            print(f"{width} px: {len(requests)} HTTP requests after load {requests[:3]}; "
                  f"the pushed page equals a fresh load: {same}")
        browser.close()
    stop.set()
    versions = messages / max(1, args.fans)
    print(f"{args.fans} socket fans on match {match}: {versions:.1f} versions in "
          f"{args.seconds:g} s; {counts['bytes'] / max(1, counts['messages']):.0f} bytes a fan a "
          f"version; {spent * 1e6 / max(1, messages):.0f} us of realtime CPU a fan a version "
          f"({len(processes)} processes)")


if __name__ == "__main__":
    main()
