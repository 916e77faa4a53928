"""Each settings module loads from the environment and enforces its rules."""

import pytest

from tests.conftest import run_python, server_env

pytestmark = pytest.mark.slow

SHOW = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
GOOD_KEY = "k3y-" + "Zx9q2LmT7vB4nR8wY1cH6pJ5sD0fG3aK" * 2


@pytest.mark.parametrize(
    ("module", "debug"),
    [("local", "True"), ("test", "False")],
)
def test_settings_load(module, debug):
    result = run_python(SHOW, server_env(DJANGO_SETTINGS_MODULE=f"config.settings.{module}"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == debug


@pytest.mark.parametrize(
    "key", ["", "django-insecure-abc", "local-insecure-key-do-not-use", "short"]
)
def test_production_refuses_a_missing_or_default_secret_key(key):
    env = server_env(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=key)
    result = run_python(SHOW, env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_check_deploy_is_clean():
    env = server_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="scores.example.com",
    )
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_its_servers(missing, tmp_path):
    env = server_env(DJANGO_SETTINGS_MODULE="config.settings.production",
                     SECRET_KEY=GOOD_KEY, SCOREKEEPER_VAR_DIR=str(tmp_path))
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scorekeeper")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379")
    env.pop(missing)
    result = run_python(SHOW, env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr
    assert not (tmp_path / "postgres").exists() and not (tmp_path / "redis").exists()
