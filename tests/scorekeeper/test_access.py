"""Metrics and health details are for operators: their networks or their token."""

import pytest

pytestmark = pytest.mark.django_db

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.mark.parametrize("path", ["/metrics", "/api/health/pool", "/api/health/ws-metrics"])
def test_operator_endpoints_refuse_outsiders_and_admit_the_token(client, settings, path):
    settings.OPERATOR_TOKEN = "s3cret-operator-token"
    refused = client.get(path, **OUTSIDE)
    assert refused.status_code == 403 and "OPERATOR_TOKEN" in refused.json()["error"]
    wrong = client.get(path, HTTP_AUTHORIZATION="Bearer nope", **OUTSIDE)
    assert wrong.status_code == 403
    assert client.get(path, HTTP_AUTHORIZATION="Bearer s3cret-operator-token",
                      **OUTSIDE).status_code == 200
    assert client.get(path).status_code == 200  # loopback: a local scraper


def test_an_empty_token_admits_nobody_from_outside(client, settings):
    settings.OPERATOR_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", **OUTSIDE).status_code == 403


def test_readyz_tells_outsiders_only_the_status(client):
    public = client.get("/readyz", **OUTSIDE).json()
    assert set(public) == {"status"}
    assert "checks" in client.get("/readyz").json()
