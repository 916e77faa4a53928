"""``make cluster``: a production-like topology on one machine (docs/deploy.md).

    python -m devtools.cluster [--web 2] [--realtime 2] [--port 8080] [--var-dir var/cluster]

HAProxy (Debian's package) on ``--port`` in front of N web processes (HTTP: scorers, the API,
pages) and M realtime processes (WebSocket and SSE), health-checked on ``/readyz``; a PostgreSQL
primary and a streaming hot standby that fans' reads use; two Redis servers (the live feed's
matches spread over both); a Celery worker, beat and the delta relay. Every process is
supervised as ``make run`` supervises its own (a killed one is started again); Ctrl-C stops
everything, servers included. The data stays under ``--var-dir``.

``<var-dir>/cluster.json`` says where everything is and each process's pid, for operators and
for the test that kills them (tests/scorekeeper/test_cluster.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import string
import sys
import time
from pathlib import Path

from config.processes import gunicorn_command, role_commands, uvicorn_command
from devtools.embedded import (
    BASE_DIR,
    EmbeddedPostgres,
    EmbeddedRedis,
    EmbeddedStandby,
    _free_port,
)
from devtools.runstack import Supervisor, _ensure_demo_staff, _stop

HAPROXY_TEMPLATE = BASE_DIR / "deploy" / "haproxy" / "haproxy.cfg.template"


def haproxy_config(*, bind: str, stats_bind: str, web: list[int], realtime: list[int]) -> str:
    def servers(name: str, ports: list[int]) -> str:
        return "\n".join(f"    server {name}-{i} 127.0.0.1:{port} check"
                         for i, port in enumerate(ports, start=1))

    return string.Template(HAPROXY_TEMPLATE.read_text()).substitute(
        BIND=bind, STATS_BIND=stats_bind, WEB_SERVERS=servers("web", web),
        REALTIME_SERVERS=servers("realtime", realtime))


def child_env(**extra: str) -> dict:
    """The environment to start a cluster with from a shell or process that may have its own
    DATABASE_URL / REDIS_URL: the cluster gives its processes its own servers' URLs."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL",
                        "REALTIME_REDIS_URLS")}
    return {**env, "PYTHONPATH": str(BASE_DIR), **extra}


def servers_up(stats_url: str) -> dict[str, str]:
    """HAProxy's view of each web and realtime server ("web/web-1": "UP"), from its CSV
    statistics: what the cluster's users wait on before sending load."""
    import urllib.request

    with urllib.request.urlopen(f"{stats_url};csv", timeout=5) as response:
        rows = [line.split(",") for line in response.read().decode().splitlines()[1:]]
    return {f"{row[0]}/{row[1]}": row[17] for row in rows
            if len(row) > 17 and row[0] in ("web", "realtime") and row[1] != "BACKEND"}


def _start_servers(var: Path, servers: dict) -> dict:
    """PostgreSQL primary, its hot standby and two Redis servers (everything, and a second for
    the live feed's share); each is put in ``servers`` as it starts,
    so whatever started is stopped again if a later one fails."""
    servers["primary"] = EmbeddedPostgres(var)
    urls = {"database": servers["primary"].start()}
    servers["replica"] = EmbeddedStandby(var / "replica",
                                         primary_port=servers["primary"].running_port())
    urls["replica"] = servers["replica"].start()
    servers["redis"] = EmbeddedRedis(var)
    urls["redis"] = servers["redis"].start()
    # A second Redis server for the live feed: matches spread over both (realtime/shards.py).
    servers["redis-realtime"] = EmbeddedRedis(var / "realtime")
    urls["realtime_redis"] = servers["redis-realtime"].start()
    return urls


def _commands(args, var: Path, web_ports: list[int], realtime_ports: list[int]) -> dict:
    roles = role_commands(tiers=True)  # worker, beat, relay as production runs them
    commands = {f"web-{i}": gunicorn_command("127.0.0.1", str(port))
                for i, port in enumerate(web_ports, start=1)}
    commands |= {f"realtime-{i}": uvicorn_command("127.0.0.1", str(port), "realtime_application")
                 for i, port in enumerate(realtime_ports, start=1)}
    commands |= {role: roles[role] for role in ("worker", "beat", "relay")}
    config = var / "haproxy.cfg"
    config.write_text(haproxy_config(bind=f"{args.host}:{args.port}",
                                     stats_bind=f"127.0.0.1:{args.stats_port}",
                                     web=web_ports, realtime=realtime_ports))
    commands["haproxy"] = [args.haproxy, "-f", str(config), "-db"]  # -db: foreground
    if os.environ.get("DEMO", "1") != "0":
        commands["demo"] = [sys.executable, "manage.py", "demo_match", "--pace",
                            os.environ.get("DEMO_PACE", "3"),
                            "--url", f"http://127.0.0.1:{args.port}"]
    return commands


def _start(args, var: Path, urls: dict) -> Supervisor:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # The balancer is this machine's HAProxy: only its (loopback) connections name a client.
    os.environ.setdefault("FORWARDED_ALLOW_IPS", "127.0.0.1")
    os.environ.update(DATABASE_URL=urls["database"], DATABASE_REPLICA_URL=urls["replica"],
                      REDIS_URL=urls["redis"],
                      REALTIME_REDIS_URLS=f"{urls['redis']},{urls['realtime_redis']}")
    import django
    from django.core.management import call_command

    from core.metrics import prepare_multiprocess_dir

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    args.login = _ensure_demo_staff(var)
    prepare_multiprocess_dir(var / "prometheus")  # /metrics through any process reports all
    args.web_ports = [_free_port() for _ in range(args.web)]
    args.realtime_ports = [_free_port() for _ in range(args.realtime)]
    supervisor = Supervisor(_commands(args, var, args.web_ports, args.realtime_ports))
    supervisor.start_all()
    print(f"\nScorekeeper cluster at http://{args.host}:{args.port}/ (HAProxy statistics: "
          f"http://127.0.0.1:{args.stats_port}/; admin login: {args.login})\n"
          f"{args.web} web + {args.realtime} realtime processes, primary + replica, Redis, "
          "worker, beat, relay. A killed process is started again; Ctrl-C stops all.\n",
          flush=True)
    return supervisor


def _tend(args, supervisor: Supervisor, servers: dict, urls: dict, state_file: Path) -> None:
    """Forever: restart what died, keep cluster.json current."""
    last_state = None
    while True:
        supervisor.tend()
        for name, server in servers.items():
            if server.running_port() is None:
                print(f"{name} is down; starting it again.", flush=True)
                try:
                    server.start()
                except Exception as error:  # keep supervising; try on the next round
                    print(f"{name} did not start: {error}", flush=True)
        state = {"url": f"http://{args.host}:{args.port}/",
                 "stats": f"http://127.0.0.1:{args.stats_port}/", **urls,
                 "web_ports": args.web_ports, "realtime_ports": args.realtime_ports,
                 "pids": {name: proc.pid for name, proc in supervisor.processes.items()}}
        if state != last_state:
            state_file.write_text(json.dumps(state, indent=2))
            last_state = state
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web", type=int, default=2, help="web processes (HTTP)")
    parser.add_argument("--realtime", type=int, default=2, help="realtime processes (feed)")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--stats-port", type=int, default=0,
                        help="HAProxy's statistics page (default: a free port)")
    parser.add_argument("--var-dir", default=str(BASE_DIR / "var" / "cluster"))
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy")
    args = parser.parse_args(argv)
    if not Path(args.haproxy).exists():
        sys.exit("HAProxy is not installed: `make cluster` installs Debian's haproxy package.")
    args.stats_port = args.stats_port or _free_port()
    var = Path(args.var_dir).resolve()
    var.mkdir(parents=True, exist_ok=True)

    servers: dict = {}
    supervisor = Supervisor({})
    state_file = var / "cluster.json"

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        urls = _start_servers(var, servers)
        supervisor = _start(args, var, urls)
        _tend(args, supervisor, servers, urls, state_file)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # nor a second SIGTERM (from make)
        _stop(supervisor.processes)
        state_file.unlink(missing_ok=True)
        for server in servers.values():
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
