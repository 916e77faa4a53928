"""The deploy files: every Kubernetes manifest is valid against the Kubernetes API's schemas
(kubernetes-validate, strict: an unknown or misspelt field fails), and they say what the
design says — a Deployment per role running the Procfile's command, readiness on /readyz and
liveness on /healthz for the served roles, the Ingress and HAProxy routing the live feed to
the realtime tier, autoscaling on CPU and WebSocket connections, disruption budgets, migrations
as a Job, and no secret in any of it."""

import re
import string
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from config.roles import FEED_PATH
from devtools.cluster import haproxy_config
from tests.conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.37.0"


def _documents() -> list[dict]:
    return [doc for path in sorted(K8S.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) if doc]


def _by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in _documents() if doc["kind"] == kind}


@pytest.mark.parametrize("document", _documents(),
                         ids=lambda doc: f"{doc['kind']}/{doc['metadata']['name']}")
def test_every_manifest_is_valid_for_kubernetes(document):
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_a_wrong_field_is_caught():
    """The validator really checks (a misspelt field in a real manifest fails)."""
    deployment = _by_kind("Deployment")["scorekeeper-web"]
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_each_role_runs_the_procfile_command_with_its_probes():
    procfile = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines()
                    if line and not line.startswith("#"))
    deployments = _by_kind("Deployment")
    roles = {name.removeprefix("scorekeeper-"): doc for name, doc in deployments.items()}
    assert set(roles) == set(procfile) - {"release"}
    for role, doc in roles.items():
        container = doc["spec"]["template"]["spec"]["containers"][0]
        assert " ".join(container["command"]) == procfile[role]
        assert doc["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
        if role in ("web", "realtime"):
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    job = _by_kind("Job")["scorekeeper-migrate"]
    assert " ".join(job["spec"]["template"]["spec"]["containers"][0]["command"]) == (
        procfile["release"])
    assert roles["beat"]["spec"]["strategy"]["type"] == "Recreate"  # never two schedulers


def test_autoscaling_and_disruption_budgets():
    hpas = _by_kind("HorizontalPodAutoscaler")
    metrics = {name: [m.get("resource", m.get("pods", {})).get("name")
                      or m["pods"]["metric"]["name"] for m in doc["spec"]["metrics"]]
               for name, doc in hpas.items()}
    assert metrics["scorekeeper-web"] == ["cpu"]
    assert metrics["scorekeeper-realtime"] == ["cpu", "scorekeeper_ws_connections"]
    assert set(_by_kind("PodDisruptionBudget")) == {"scorekeeper-web", "scorekeeper-realtime"}


def test_the_feed_goes_to_the_realtime_tier_in_the_ingress_and_in_haproxy():
    ingress = _by_kind("Ingress")["scorekeeper"]
    routes = {path["path"]: path["backend"]["service"]["name"]
              for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    assert routes == {"/ws/": "scorekeeper-realtime",
                      "/matches/[0-9]+/stream": "scorekeeper-realtime",
                      "/": "scorekeeper-web"}
    stream = next(p for p in routes if "stream" in p)
    assert FEED_PATH.match("/matches/12/stream") and re.fullmatch(stream, "/matches/12/stream")
    config = haproxy_config(bind="127.0.0.1:80", stats_bind="127.0.0.1:81", web=[1001, 1002],
                            realtime=[2001])
    assert "server web-2 127.0.0.1:1002 check" in config
    assert "server realtime-1 127.0.0.1:2001 check" in config
    assert "use_backend realtime if is_websocket or is_feed or is_stream" in config
    assert "option httpchk GET /readyz" in config


def test_no_secret_in_the_deploy_files():
    config = _by_kind("ConfigMap")["scorekeeper-config"]["data"]
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} & set(config)
    text = "\n".join(p.read_text() for p in [*K8S.glob("*.yaml"), ROOT / "Dockerfile"])
    literal = r"""(password|secret_key)\s*[:=]\s*["']?(?!\$)[^\s"']{8,}"""  # not $(...)
    assert not re.search(literal, text, re.I)
    template = string.Template((ROOT / "deploy/haproxy/haproxy.cfg.template").read_text())
    assert {"BIND", "STATS_BIND", "WEB_SERVERS", "REALTIME_SERVERS"} <= set(
        template.get_identifiers())
    assert Path(ROOT / ".dockerignore").read_text().count("var") == 1
