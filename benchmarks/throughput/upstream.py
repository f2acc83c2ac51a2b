"""The fake upstream service the I/O-bound views call: it answers every request after a delay.

It must never be the bottleneck, so it is a raw asyncio protocol (uvloop when installed) with
HTTP/1.1 keep-alive and a fixed JSON body, and nothing else: no routing, no parsing past the
end of the request head. The benchmark measures it alone before it measures any app.

    python upstream.py --port 8999 --delay-ms 50
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import signal
from collections.abc import Callable, Coroutine
from typing import Any, cast

BODY = json.dumps({"price": 0.12, "currency": "EUR"}).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n"
    b"Connection: keep-alive\r\n\r\n" + BODY
)
CLOSING = RESPONSE.replace(b"Connection: keep-alive", b"Connection: close")


class DelayedAnswer(asyncio.Protocol):
    """Answers each complete request head after the delay, in order, on one connection."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass of asyncio's

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        loop = asyncio.get_running_loop()
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            closing = b"connection: close" in head.lower()
            loop.call_later(self.delay, self.answer, closing)

    def answer(self, closing: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(CLOSING if closing else RESPONSE)
        if closing:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(host: str, port: int, delay: float) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: DelayedAnswer(delay), host, port, backlog=4096)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=50.0)
    args = parser.parse_args()
    try:
        run: Callable[[Coroutine[Any, Any, None]], None] = importlib.import_module("uvloop").run
    except ImportError:
        run = asyncio.run
    run(serve(args.host, args.port, args.delay_ms / 1000.0))


if __name__ == "__main__":
    main()
