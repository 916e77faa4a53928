"""`make load`: a bounded matchday against TARGET (default: a local stack started and stopped
here), Locust's CSV and HTML reports and a markdown summary under var/load/.

    make load                                   # local stack, defaults below
    TARGET=https://scores.example.org LOAD_PLAN=plan.json make load

Env: TARGET, LOAD_RUN_TIME (default 3m), MATCHES (4), FANS_PER_MATCH (50), EVENT_USERS (2),
SPAWN_RATE (50/s), WORKERS (Uvicorn processes of the local stack, 1), SCORER_PACE (2 s).
Against a TARGET, create the plan there first: ``manage.py load_plan --matches N --out plan.json``.
The summary compares, per match, the balls the server's log holds with the scorer posts that
got a success response (nothing lost, nothing doubled) and reports fans' unhealed gaps.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("LOAD_OUT", ROOT / "var" / "load"))


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _seq(base: str, match_id: int) -> int:
    with urllib.request.urlopen(f"{base}/api/matches/{match_id}", timeout=30) as response:
        return json.load(response)["seq"]


@contextlib.contextmanager
def _local_stack(matches: int, workers: int):
    """The benchmark database, a fresh plan, and Uvicorn with the limits lifted (one host
    plays every scorer and fan)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.db import prepare_database
    from bench.server import bench_server
    from core.metrics import prepare_multiprocess_dir

    prepare_database()
    call_command("load_plan", matches=matches, out=str(OUT / "plan.json"), verbosity=0)
    prepare_multiprocess_dir(OUT / "prometheus")
    with bench_server(workers=workers, role="asgi", EVENTS_RATE_LIMIT_PER_MINUTE="1000000",
                      LOGIN_RATE_LIMIT_PER_MINUTE="100000") as port:
        yield f"http://127.0.0.1:{port}", OUT / "plan.json"


def _http_table(stats_csv: Path) -> list[str]:
    lines = ["| endpoint | requests | failures | p50 ms | p95 ms | p99 ms | req/s |",
             "|---|---|---|---|---|---|---|"]
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            lines.append(f"| {row['Type']} {row['Name']} | {row['Request Count']} | "
                         f"{row['Failure Count']} | {row['50%']} | {row['95%']} | {row['99%']} |"
                         f" {float(row['Requests/s']):.1f} |")
    return lines


def summarize(base: str, plan: dict, before: dict[int, int], results: dict, run_time: str,
              users: int) -> tuple[str, bool]:
    counts, by_match = results["counts"], results["by_match"]
    rows, lost, doubled = [], 0, 0
    for match in plan["matches"]:
        mid = match["id"]
        recorded = _seq(base, mid) - before[mid]
        posted = by_match.get(str(mid), {}).get("scorer_recorded", 0)
        lost += max(posted - recorded, 0)
        doubled += max(recorded - posted, 0)
        verdict = "ok" if posted == recorded else "MISMATCH"
        rows.append(f"| {mid} | {posted} | {recorded} | {verdict} |")
    latencies = sorted(results["latencies"])
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    unhealed = counts.get("fan_gaps_unhealed", 0)
    ok = lost == 0 and doubled == 0 and unhealed == 0
    lines = [
        f"# Load run {time.strftime('%Y-%m-%d %H:%M:%S')}", "",
        f"Target {base}; {users} users ({len(plan['matches'])} matches); run time {run_time}.", "",
        f"**Result: {'PASS' if ok else 'FAIL'}** — balls lost {lost}, doubled {doubled}; "
        f"fans' unhealed gaps {unhealed}.", "",
        "## Balls (server log vs scorer posts that got a success response)", "",
        "| match | successful posts | entries recorded | |", "|---|---|---|---|", *rows, "",
        f"Scorer conflicts (someone else scored): {counts.get('scorer_conflicts', 0)}; "
        f"errors: {counts.get('scorer_errors', 0)}.", "",
        "## Fans", "",
        f"- messages received: {counts.get('fan_messages', 0):,}",
        f"- gaps detected {counts.get('fan_gaps', 0)}, healed {counts.get('fan_gaps_healed', 0)},"
        f" unhealed {unhealed}; resumes after a drop {counts.get('fan_resumes', 0)}",
        f"- commit → receipt latency over {len(latencies):,} deltas: p50 {q[49] * 1000:.0f} ms, "
        f"p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms",
        f"- events posted by fans: {counts.get('fan_events_posted', 0):,}", "",
        "## Events", "",
        f"- batches 202: {counts.get('events_202', 0):,} ({counts.get('events_accepted', 0):,} "
        f"events), 429: {counts.get('events_429', 0):,}, 4xx: {counts.get('events_4xx', 0)}, "
        f"5xx: {counts.get('events_5xx', 0)}", "",
        "## HTTP (Locust)", "", *_http_table(OUT / "matchday_stats.csv"), "",
        "Reports: `var/load/matchday.html`, `var/load/matchday_*.csv`.",
    ]
    return "\n".join(lines) + "\n", ok


def run(base: str, plan_path: Path, env_overrides: dict | None = None) -> bool:
    plan = json.loads(plan_path.read_text())
    matches = int(_env("MATCHES", str(len(plan["matches"]))))
    plan["matches"] = plan["matches"][:matches]
    fans = int(_env("FANS_PER_MATCH", "50"))
    event_users = int(_env("EVENT_USERS", "2"))
    users = matches * (1 + fans) + event_users
    run_time = _env("LOAD_RUN_TIME", "3m")
    before = {m["id"]: _seq(base, m["id"]) for m in plan["matches"]}
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_RESULTS": str(OUT / "results.json"),
           "MATCHES": str(matches), "FANS_PER_MATCH": str(fans),
           "EVENT_USERS": str(event_users), "SCORER_PACE": _env("SCORER_PACE", "2"),
           "PYTHONPATH": str(ROOT), **(env_overrides or {})}
    OUT.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "locustfiles" / "matchday.py"),
               "--headless", "-u", str(users), "-r", _env("SPAWN_RATE", "50"),
               "--run-time", run_time, "--stop-timeout", "5", "--host", base,
               "--csv", str(OUT / "matchday"), "--html", str(OUT / "matchday.html"),
               "--only-summary", "--loglevel", "WARNING"]
    subprocess.run(command, cwd=ROOT, env=env, check=False)
    time.sleep(1)  # the last posts' entries are committed before their responses; be generous
    results = json.loads((OUT / "results.json").read_text())
    summary, ok = summarize(base, plan, before, results, run_time, users)
    (OUT / "summary.md").write_text(summary)
    print(summary)
    return ok


def main() -> int:
    target = os.environ.get("TARGET")
    if target:
        plan = Path(_env("LOAD_PLAN", str(OUT / "plan.json")))
        if not plan.exists():
            print(f"No plan at {plan}: run `manage.py load_plan --matches N --out {plan}` on "
                  "the target first (it creates the matches and scorer accounts).")
            return 2
        return 0 if run(target.rstrip("/"), plan) else 1
    matches = int(_env("MATCHES", "4"))
    with _local_stack(matches, int(_env("WORKERS", "1"))) as (base, plan):
        ok = run(base, plan)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
