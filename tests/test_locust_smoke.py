"""The locustfiles keep working: a few seconds of a small matchday (headless Locust, real
server) must record every successful scorer post exactly once and leave no fan gap unhealed."""

import json

import pytest
from django.core.management import call_command

from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_short_matchday_under_locust(tmp_path, monkeypatch):
    from devtools.embedded import _free_port
    from locustfiles import run

    plan = tmp_path / "plan.json"
    call_command("load_plan", matches=2, out=str(plan), verbosity=0)
    env = child_env(EVENTS_RATE_LIMIT_PER_MINUTE="1000000",
                          LOGIN_RATE_LIMIT_PER_MINUTE="100000")
    port = _free_port()
    server = start_server(port, env)
    monkeypatch.setattr(run, "OUT", tmp_path)
    for name, value in {"MATCHES": "2", "FANS_PER_MATCH": "3", "EVENT_USERS": "1",
                        "LOAD_RUN_TIME": "8s", "SCORER_PACE": "0.3", "SPAWN_RATE": "20",
                        "FANS_EVENT_EVERY": "2"}.items():
        monkeypatch.setenv(name, value)
    try:
        ok = run.run(f"http://127.0.0.1:{port}", plan)
    finally:
        stop_server(server)
    summary = (tmp_path / "summary.md").read_text()
    results = json.loads((tmp_path / "results.json").read_text())
    counts = results["counts"]
    assert ok, summary
    assert counts["scorer_recorded"] >= 10 and counts.get("scorer_errors", 0) == 0, counts
    assert counts["fan_messages"] >= counts["scorer_recorded"], counts
    assert counts["events_202"] > 0 and counts.get("fan_events_posted", 0) > 0, counts
    assert "**Result: PASS**" in summary and "MISMATCH" not in summary
    assert (tmp_path / "matchday.html").exists() and (tmp_path / "matchday_stats.csv").exists()
