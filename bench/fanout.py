"""Fan-out benchmark: N WebSocket fans in a client process, K group messages, per server/layer.

    python -m bench.fanout --fans 1000 --messages 200

For each configuration it starts the server, connects the fans from a separate process,
publishes K messages through the channel layer and prints delivered messages per second,
server CPU microseconds per delivered message and publish->receive latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {  # name: (channel layer, no hop). Uvicorn serves ASGI (daphne is not a dependency)
    "uvicorn+core": ("core", "0"),
    "uvicorn+pubsub": ("pubsub", "0"),
    "uvicorn+pubsub+nohop": ("pubsub", "1"),
}


def _server_command(config: str, port: int) -> list[str]:
    from config.processes import uvicorn_command

    command = uvicorn_command("127.0.0.1", str(port))
    command[command.index("config.asgi:application")] = "bench.fanout_app:application"
    return command


async def _client(url: str, fans: int, expect: int, timeout: float) -> dict:
    import websockets

    latencies: list[float] = []
    counts = [0] * fans
    sockets = []
    for start in range(0, fans, 100):  # connect in waves so the accept queue never overflows
        batch = [websockets.connect(url, compression=None, max_queue=None, open_timeout=60)
                 for _ in range(start, min(fans, start + 100))]
        sockets += await asyncio.gather(*batch)
    print("connected", flush=True)
    first_receipt: list[float] = []

    async def read(index: int, ws) -> None:
        while counts[index] < expect:
            text = await ws.recv()
            now = time.time()
            if not first_receipt:
                first_receipt.append(now)
            counts[index] += 1
            latencies.append(now - json.loads(text)["t"])

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(*(read(i, ws) for i, ws in enumerate(sockets))), timeout
        )
    finished = time.time()
    for ws in sockets:
        await ws.close()
    latencies.sort()
    pct = lambda p: round(percentile(latencies, p) * 1000, 1) if latencies else None  # noqa: E731
    return {"delivered": sum(counts), "expected": fans * expect,
            "seconds": finished - (first_receipt[0] if first_receipt else finished),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99)}


def _run_client(args) -> None:
    result = asyncio.run(_client(args.url, args.fans, args.messages, args.timeout))
    print(json.dumps(result), flush=True)


async def _publish(messages: int, rate: float, layer_name: str) -> None:
    from channels_redis.core import RedisChannelLayer
    from channels_redis.pubsub import RedisPubSubChannelLayer
    from django.conf import settings

    # The server picked its layer from BENCH_LAYER; the publisher must use the same kind.
    layer_class = RedisChannelLayer if layer_name == "core" else RedisPubSubChannelLayer
    layer = layer_class(**settings.CHANNEL_LAYERS["default"]["CONFIG"])
    for seq in range(messages):
        payload = {"type": "score.delta", "v": seq, "t": time.time(), "runs": 4, "pad": "x" * 120}
        await layer.group_send("bench-fanout", {"type": "bench.message",
                                                "text": json.dumps(payload)})
        await asyncio.sleep(1 / rate)


def _measure(config: str, fans: int, messages: int, rate: float) -> dict:
    import psutil

    from devtools.embedded import _free_port

    layer_name, nohop = CONFIGS[config]
    port = _free_port()
    env = {**os.environ, "BENCH_LAYER": layer_name, "BENCH_NOHOP": nohop,
           "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(_server_command(config, port), cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = None
    try:
        time.sleep(3)
        client = subprocess.Popen(
            [sys.executable, "-m", "bench.fanout", "client", "--url",
             f"ws://127.0.0.1:{port}/ws/bench/", "--fans", str(fans), "--messages",
             str(messages), "--timeout", str(messages / rate + 60)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
        )
        assert client.stdout.readline().strip() == "connected"
        time.sleep(1)
        proc = psutil.Process(server.pid)
        cpu_before = sum(proc.cpu_times()[:2])
        rss = proc.memory_info().rss
        asyncio.run(_publish(messages, rate, layer_name))
        result = json.loads(client.stdout.readline())
        cpu = sum(proc.cpu_times()[:2]) - cpu_before
    finally:
        if client:
            client.kill()
        server.terminate()
        server.wait(timeout=20)
    delivered = result["delivered"]
    return {
        "config": config, "fans": fans, "messages": messages,
        "delivered": delivered, "lost": result["expected"] - delivered,
        "msgs_per_s": round(delivered / result["seconds"]) if result["seconds"] else None,
        "cpu_us_per_msg": round(cpu * 1e6 / delivered, 1) if delivered else None,
        "server_rss_mb": round(rss / 2**20, 1),
        "p50_ms": result["p50_ms"], "p95_ms": result["p95_ms"], "p99_ms": result["p99_ms"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "client"])
    parser.add_argument("--fans", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50.0, help="messages per second published")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--url")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    if args.mode == "client":
        _run_client(args)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    print(f"{'config':24} {'fans':>6} {'delivered':>10} {'lost':>5} {'msg/s':>8} "
          f"{'cpu us/msg':>10} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for config in args.configs.split(","):
        r = _measure(config, args.fans, args.messages, args.rate)
        print(f"{r['config']:24} {r['fans']:>6} {r['delivered']:>10} {r['lost']:>5} "
              f"{r['msgs_per_s']:>8} {r['cpu_us_per_msg']:>10} {r['p50_ms']:>7} "
              f"{r['p95_ms']:>7} {r['p99_ms']:>7}", flush=True)


if __name__ == "__main__":
    main()
