"""The I/O-bound view of ``app/partsdesk.py`` written for Quart by hand: the ceiling to aim at.

One ``httpx.AsyncClient`` per worker process, opened when serving starts and closed when it
stops, its pool sized for the benchmark's highest concurrency; the view awaits the call, so
the event loop serves other requests while the upstream takes its 50 ms.
"""

import os

import httpx
from quart import Quart, jsonify

UPSTREAM_URL = os.environ.get("PARTSDESK_UPSTREAM", "http://127.0.0.1:8999/quote")

app = Quart(__name__)
clients: dict[str, httpx.AsyncClient] = {}


@app.before_serving
async def open_client() -> None:
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    clients["supplier"] = httpx.AsyncClient(limits=limits, timeout=10)


@app.after_serving
async def close_client() -> None:
    await clients.pop("supplier").aclose()


@app.route("/io")
async def supplier_quote():  # type: ignore[no-untyped-def]
    response = await clients["supplier"].get(UPSTREAM_URL, params={"part": "bolt-m6"})
    response.raise_for_status()
    return jsonify(part="bolt-m6", price=response.json()["price"])
