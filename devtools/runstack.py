"""``make run``: migrate, ensure a demo login, then run production's roles on one machine: the
web role (Gunicorn), the realtime role (Uvicorn), a Celery worker, beat and the relay.

One foreground command that supervises its children: a web server, worker, beat (or embedded
server) that crashes is started again with backoff; only Ctrl-C (or SIGTERM) stops every child,
then this process releases the embedded servers, stopping them if nothing else uses them (see
``devtools.embedded``). Production runs the same roles from ``Procfile``.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from config.processes import HOST, PORT, REALTIME_PORT, role_commands


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


def _children() -> dict[str, list[str]]:
    """Production's roles on one machine (no balancer: the realtime process listens on
    REALTIME_PORT and the pages send fans' browsers there), and the demo match."""
    children = role_commands(tiers=False)
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


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from devtools.embedded import export_urls

    export_urls()  # unless given: the embedded servers, their URLs inherited by every child
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    var_dir = Path(settings.BASE_DIR) / "var"
    var_dir.mkdir(exist_ok=True)
    login = _ensure_demo_staff(var_dir)
    from core.metrics import prepare_multiprocess_dir

    prepare_multiprocess_dir(var_dir / "prometheus")  # /metrics reports every server process
    # Fans' pages take the feed from the realtime process: the page's host, its port.
    os.environ.setdefault("REALTIME_URL", f":{REALTIME_PORT}")
    # One process a core, as production runs them: Gunicorn's (web) and Uvicorn's (realtime)
    # worker counts both read WEB_CONCURRENCY.
    os.environ.setdefault("WEB_CONCURRENCY", str(os.cpu_count() or 1))

    # This process holds the embedded servers' lease while it supervises.
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
    from devtools.embedded import shared_services

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
