"""The processes by role, as production runs them (Procfile: ``python -m config.processes web``)
and ``make run`` supervises them on one machine (devtools/runstack.py): the web role (Gunicorn),
the realtime role (Uvicorn), a Celery worker, beat and the relay."""

from __future__ import annotations

import os
import sys

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
# make run's realtime process (the live feed): the next port unless given.
REALTIME_PORT = os.environ.get("REALTIME_PORT", str(int(PORT) + 1))


def uvicorn_command(host: str, port: str, app: str = "application") -> list[str]:
    """The ASGI server as production runs it (README: "Why these components"); ``app`` is one
    of config.asgi's applications: everything or ``realtime_application``."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"config.asgi:{app}",
        "--host",
        host,
        "--port",
        port,
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--ws",
        "websockets-sansio",
        "--ws-per-message-deflate",
        "false",
        # A fan whose connection vanished (no close) answers no ping: closed within 40 s, so
        # it leaves the hub and the connection gauge counts only live sockets.
        "--ws-ping-interval",
        "20",
        "--ws-ping-timeout",
        "20",
        # A fan sends only {"type": "resync"|"ping"}: a bigger frame is closed (1009) before
        # it is read whole or parsed.
        "--ws-max-size",
        "4096",
        "--no-access-log",
        # The proxies whose X-Forwarded-For names the client (none unless told: make run has
        # none; the cluster and deployments name their balancers' addresses or networks).
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", ""),
        # Longer than a load balancer's idle timeout (commonly 60 s), so the server never
        # closes a kept-alive connection just as a client sends on it.
        "--timeout-keep-alive",
        "75",
        "--lifespan",
        "off",
    ]


def gunicorn_command(host: str, port: str) -> list[str]:
    """The web role's HTTP server (config/wsgi.py says why WSGI): Gunicorn's threaded
    workers, ``WEB_CONCURRENCY`` processes (Gunicorn reads it; one a core) of ``WEB_THREADS``
    threads each (8: at most that many of a process's pooled database connections in use)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:web_application",
        "--bind",
        f"{host}:{port}",
        "--worker-class",
        "gthread",
        "--threads",
        os.environ.get("WEB_THREADS", "8"),
        # As Uvicorn's: longer than a load balancer's idle timeout (commonly 60 s).
        "--keep-alive",
        "75",
        "--graceful-timeout",
        "20",
        "--log-level",
        "warning",
    ]


def role_commands(*, tiers: bool = False) -> dict[str, list[str]]:
    """The processes by role, the same servers as production: the web role serves HTTP only
    (Gunicorn) and the realtime role the live feed only (Uvicorn). With ``tiers`` (production,
    ``make cluster``) both are behind the load balancer on one port. Without (``make run``: one
    machine, no balancer) the realtime process listens on REALTIME_PORT and the pages send
    fans' browsers there (REALTIME_URL)."""
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    children = {
        "web": gunicorn_command(HOST, PORT),
        "realtime": uvicorn_command(HOST, PORT if tiers else REALTIME_PORT,
                                    "realtime_application"),
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
        "relay": [sys.executable, "manage.py", "relay_deltas"],
    }
    return children


def run_role(role: str) -> None:
    """One role in the foreground (``python -m config.processes web``): what the
    Procfile runs, each role supervised and scaled by the platform."""
    commands = role_commands(tiers=True)
    if role not in commands:
        sys.exit(f"Unknown role {role!r}: one of {', '.join(commands)}.")
    os.execv(commands[role][0], commands[role])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m config.processes web|realtime|worker|beat|relay")
    run_role(sys.argv[1])
