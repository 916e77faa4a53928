"""``make run``: migrate, ensure a demo login, then run the ASGI server, a Celery worker and beat.

One foreground command; Ctrl-C (or SIGTERM) stops every child, then this process releases the
embedded servers, stopping them if nothing else uses them (see ``scorekeeper.embedded``).
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


def uvicorn_command(host: str, port: str) -> list[str]:
    """The ASGI server as production runs it (README: "Why these components")."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "scorekeeper.asgi:application",
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
        "--no-access-log",
        # Longer than a load balancer's idle timeout (commonly 60 s), so the server never
        # closes a kept-alive connection just as a client sends on it.
        "--timeout-keep-alive",
        "75",
        "--lifespan",
        "off",
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


def _children() -> dict[str, list[str]]:
    celery = [sys.executable, "-m", "celery", "-A", "scorekeeper"]
    children = {
        "web": uvicorn_command(HOST, PORT),
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
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


def main() -> int:
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

    # Each child takes its own lease on the embedded servers when it loads the settings.
    processes = {name: subprocess.Popen(cmd) for name, cmd in _children().items()}

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    url = f"http://{HOST}:{PORT}/"
    print(f"\nScorekeeper is starting at {url}  (admin: {url}admin/ — {login})", flush=True)
    print(
        f"Servers: {', '.join(settings.EMBEDDED_SERVICES) or 'none'} embedded under var/. "
        "Ctrl-C stops everything.\n",
        flush=True,
    )
    exit_code = 0
    try:
        while True:
            for name, proc in processes.items():
                if proc.poll() is not None and name == "demo" and proc.returncode == 0:
                    continue  # the demo match finished; everything else keeps running
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; stopping the others.", flush=True)
                    exit_code = proc.returncode or 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the cleanup
        _stop(processes)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
