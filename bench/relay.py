"""A TCP relay to PostgreSQL in a process of its own: SIGKILLing it cuts every connection at
once, as a crashed or partitioned database does, without taking PostgreSQL down; starting it
again on the same port is the database coming back (tests/scorekeeper/test_database_outage.py,
bench.db_recovery)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_RELAY = """
import asyncio, sys
async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
async def serve(client_reader, client_writer):
    reader, writer = await asyncio.open_connection('{host}', {port})
    await asyncio.gather(pipe(client_reader, writer), pipe(reader, client_writer))
async def main():
    server = await asyncio.start_server(serve, '127.0.0.1', {listen})
    print('ready', flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


def start_relay(*, host: str, port: int, listen: int) -> subprocess.Popen:
    """A relay from 127.0.0.1:``listen`` to ``host``:``port``, ready when this returns."""
    code = _RELAY.format(host=host or "127.0.0.1", port=port or 5432, listen=listen)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc
