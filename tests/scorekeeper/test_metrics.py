"""/metrics exposes what the operators' alerts watch (deploy/prometheus/alerts.yml)."""

import json
import re
from datetime import UTC, datetime

import pytest

from games.services import match_record_action
from tests.games.factories import make_match, start_action

pytestmark = pytest.mark.django_db

WATCHED = [
    "scorekeeper_ws_connections", "scorekeeper_ws_messages_sent_total",
    "scorekeeper_ws_publish_to_send_seconds_bucket", "scorekeeper_score_updates_total",
    "scorekeeper_http_responses_total", "scorekeeper_db_pool_usage_ratio",
    "scorekeeper_db_pool_waiting", "scorekeeper_cache_lookups_total",
    "scorekeeper_celery_queue_length", "scorekeeper_events_ingested_total",
]


def _value(text: str, name: str, labels: str = "") -> float:
    pattern = rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+-]+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_metrics_cover_the_alerts_and_move(client, django_capture_on_commit_callbacks):
    before = client.get("/metrics").content.decode()
    for name in WATCHED:
        assert f"# TYPE {name.removesuffix('_total').removesuffix('_bucket')}" in before, name
    match = make_match()
    with django_capture_on_commit_callbacks(execute=True):
        match_record_action(match=match, action=start_action(match))
        match_record_action(match=match, action={"kind": "delivery", "runs": 4})
    batch = [{"event_type": "page.view", "occurred_at": datetime.now(UTC).isoformat(),
              "payload": {}}] * 3
    assert client.post("/api/events", json.dumps(batch), content_type="application/json",
                       REMOTE_ADDR="10.4.4.4").status_code == 202
    client.get("/api/leaderboards")
    client.get("/api/leaderboards")
    after = client.get("/metrics").content.decode()
    assert _value(after, "scorekeeper_score_updates_total") - _value(
        before, "scorekeeper_score_updates_total") == 2
    assert _value(after, "scorekeeper_events_ingested_total", '{source="client"}') - _value(
        before, "scorekeeper_events_ingested_total", '{source="client"}') == 3
    assert _value(after, "scorekeeper_events_ingested_total", '{source="domain"}') > _value(
        before, "scorekeeper_events_ingested_total", '{source="domain"}')
    assert _value(after, "scorekeeper_cache_lookups_total",
                  '{cache="leaderboards",outcome="hit"}') > 0
    assert _value(after, "scorekeeper_http_responses_total", '{status="2xx"}') > _value(
        before, "scorekeeper_http_responses_total", '{status="2xx"}')
    assert re.search(r"^scorekeeper_db_pool_usage_ratio\{pid=\"\d+\"\} [0-9.]+$", after,
                     re.MULTILINE)
    assert re.search(r"^scorekeeper_celery_queue_length [0-9.]+$", after, re.MULTILINE)


def test_alert_rules_use_metrics_that_exist(client):
    import yaml

    from tests.conftest import ROOT

    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    exposed = client.get("/metrics").content.decode()
    alerts = {rule["alert"]: rule["expr"] for group in rules["groups"] for rule in group["rules"]}
    assert set(alerts) == {"WebSocketLatencyHigh", "DeltaRatioLow", "ErrorRateHigh",
                           "DatabasePoolSaturated", "CeleryQueueBacklog", "MatchSetAside",
                           "ReplicaSkipped"}
    for name, expr in alerts.items():
        for metric in re.findall(r"scorekeeper_[a-z_]+", expr):
            family = re.sub(r"_bucket$", "", metric)
            assert f"# TYPE {family} " in exposed or f"# TYPE {metric} " in exposed, (
                name, metric)
    thresholds = {"WebSocketLatencyHigh": "> 0.05", "DeltaRatioLow": "< 0.7",
                  "ErrorRateHigh": "> 0.05", "DatabasePoolSaturated": "> 0.9",
                  "CeleryQueueBacklog": "> 100", "MatchSetAside": "> 0",
                  "ReplicaSkipped": "< 1"}
    for name, threshold in thresholds.items():
        assert alerts[name].strip().endswith(threshold), name
