"""``make run``: migrate, ensure a demo login, then run production's roles on one machine: the
web role (Gunicorn), the realtime role (Uvicorn), a Celery worker, beat and the relay.

One foreground command that supervises its children: a web server, worker, beat (or embedded
server) that crashes is started again with backoff; only Ctrl-C (or SIGTERM) stops every child,
then this process releases the embedded servers, stopping them if nothing else uses them (see
``scorekeeper.embedded``). Production runs the same roles from ``Procfile``.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
# make run's realtime process (the live feed): the next port unless given.
REALTIME_PORT = os.environ.get("REALTIME_PORT", str(int(PORT) + 1))


def uvicorn_command(host: str, port: str, app: str = "application") -> list[str]:
    """The ASGI server as production runs it (README: "Why these components"); ``app`` is one
    of scorekeeper.asgi's applications: everything or ``realtime_application``."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"scorekeeper.asgi:{app}",
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
    """The web role's HTTP server (scorekeeper/wsgi.py says why WSGI): Gunicorn's threaded
    workers, ``WEB_CONCURRENCY`` processes (Gunicorn reads it; one a core) of ``WEB_THREADS``
    threads each (8: at most that many of a process's pooled database connections in use)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "scorekeeper.wsgi:web_application",
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


def _ensure_demo_staff(var_dir: Path) -> str:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    credentials = var_dir / "demo-login.txt"
    if not User.objects.filter(is_staff=True).exists():
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("demo", "demo@example.invalid", password)
        credentials.write_text(f"username: demo\npassword: {password}\n")
    if credentials.exists():
        return credentials.read_text().strip().replace("\n", ", ")
    return "an existing staff account (python manage.py changepassword <user> to reset)"


def _children(*, tiers: bool = False) -> dict[str, list[str]]:
    """The processes by role, the same servers as production: the web role serves HTTP only
    (Gunicorn) and the realtime role the live feed only (Uvicorn). With ``tiers`` (production,
    ``make cluster``) both are behind the load balancer on one port. Without (``make run``: one
    machine, no balancer) the realtime process listens on REALTIME_PORT and the pages send
    fans' browsers there (REALTIME_URL)."""
    celery = [sys.executable, "-m", "celery", "-A", "scorekeeper"]
    children = {
        "web": gunicorn_command(HOST, PORT),
        "realtime": uvicorn_command(HOST, PORT if tiers else REALTIME_PORT,
                                    "realtime_application"),
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
        "relay": [sys.executable, "manage.py", "relay_deltas"],
    }
    if os.environ.get("DEMO", "1") != "0":
        children["demo"] = [sys.executable, "manage.py", "demo_match",
                            "--pace", os.environ.get("DEMO_PACE", "3"),
                            "--url", f"http://{HOST}:{PORT}"]
    return children


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_role(role: str) -> None:
    """One role in the foreground (``python -m scorekeeper.runstack --role web``): what the
    Procfile runs, each role supervised and scaled by the platform."""
    commands = _children(tiers=True)
    commands.pop("demo", None)
    if role not in commands:
        sys.exit(f"Unknown role {role!r}: one of {', '.join(commands)}.")
    os.execv(commands[role][0], commands[role])


def main() -> int:
    if sys.argv[1:2] == ["--role"] and len(sys.argv) == 3:
        run_role(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorekeeper.settings.local")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()  # starts or reuses the embedded servers and takes a lease on them
    call_command("migrate", interactive=False, verbosity=0)
    var_dir = Path(settings.BASE_DIR) / "var"
    var_dir.mkdir(exist_ok=True)
    login = _ensure_demo_staff(var_dir)
    from scorekeeper.metrics import prepare_multiprocess_dir

    prepare_multiprocess_dir(var_dir / "prometheus")  # /metrics reports every server process
    # Fans' pages take the feed from the realtime process: the page's host, its port.
    os.environ.setdefault("REALTIME_URL", f":{REALTIME_PORT}")
    # One process a core, as production runs them: Gunicorn's (web) and Uvicorn's (realtime)
    # worker counts both read WEB_CONCURRENCY.
    os.environ.setdefault("WEB_CONCURRENCY", str(os.cpu_count() or 1))

    # Each child takes its own lease on the embedded servers when it loads the settings.
    supervisor = Supervisor(_children())
    supervisor.start_all()

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    url = f"http://{HOST}:{PORT}/"
    print(f"\nScorekeeper is starting at {url}  (admin: {url}admin/ — {login})", flush=True)
    print(
        f"Servers: {', '.join(settings.EMBEDDED_SERVICES) or 'none'} embedded under var/. "
        "A crashed process is restarted; Ctrl-C stops everything.\n",
        flush=True,
    )
    try:
        while True:
            supervisor.tend()
            _tend_embedded(settings.EMBEDDED_SERVICES)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # nor a second SIGTERM (from make)
        _stop(supervisor.processes)
    return 0


class Supervisor:
    """Keeps every child running: one that exits is started again after a backoff that doubles
    (1 s to 30 s) while it keeps failing and resets once it has run for a minute. A demo match
    that finished (exit 0) is left finished."""

    BACKOFF_MAX = 30.0
    HEALTHY_AFTER = 60.0

    def __init__(self, commands: dict[str, list[str]]):
        self.commands = commands
        self.processes: dict[str, subprocess.Popen] = {}
        self.started: dict[str, float] = {}
        self.backoff: dict[str, float] = dict.fromkeys(commands, 1.0)
        self.restart_at: dict[str, float] = {}

    def start(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(self.commands[name])
        self.started[name] = time.monotonic()
        print(f"{name} started (pid {self.processes[name].pid})", flush=True)

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def tend(self) -> None:
        now = time.monotonic()
        for name, proc in list(self.processes.items()):
            if proc.poll() is None:
                if now - self.started[name] > self.HEALTHY_AFTER:
                    self.backoff[name] = 1.0
                continue
            if name == "demo" and proc.returncode == 0:
                continue  # the demo match finished
            if name not in self.restart_at:
                delay = self.backoff[name]
                self.restart_at[name] = now + delay
                self.backoff[name] = min(self.BACKOFF_MAX, delay * 2)
                print(f"{name} exited with {proc.returncode}; restarting in {delay:g} s.",
                      flush=True)
            elif now >= self.restart_at[name]:
                del self.restart_at[name]
                self.start(name)


def _tend_embedded(names: list[str]) -> None:
    """An embedded server that died (a crash, a kill) is started again on its port."""
    if not names:
        return
    from scorekeeper.embedded import shared_services

    services = shared_services()
    servers = {"database": services.postgres, "redis": services.redis}
    for name in names:
        server = servers.get(name)
        if server is not None and server.running_port() is None:
            print(f"embedded {name} is down; starting it again.", flush=True)
            try:
                server.start()
            except Exception as error:  # keep supervising; try again on the next round
                print(f"embedded {name} did not start: {error}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
