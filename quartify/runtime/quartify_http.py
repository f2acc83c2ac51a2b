"""The HTTP client for code moved from `requests` to `httpx` (quartify --unsafe-fixes).

One `httpx.AsyncClient` per running event loop, made on first use and closed when that loop
shuts down. An AsyncClient's pooled connections belong to the loop that opened them, and a
Quart app meets several loops: Hypercorn's, one per test under pytest-asyncio, one per
`asyncio.run` of a CLI command. A client made at import time breaks on the second loop; one made
in `before_serving` does not exist under `app.test_client()` (Quart runs the serving hooks only
with `test_app()`). A client per loop needs neither: the loop's own shutdown (`asyncio.run`,
`asyncio.Runner`, Hypercorn exiting) closes it, through an async generator the loop finalises.

`follow_redirects=True` and `timeout=None` keep requests' behaviour (httpx defaults to no
redirects and a 5 s timeout); a call that passed `timeout=` or `allow_redirects=` still says so.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator

import httpx

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = weakref.WeakKeyDictionary()
# Strong references: a finalised (collected) keeper would close its client at once.
_keepers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncIterator[None]] = weakref.WeakKeyDictionary()


async def _close_at_shutdown(client: httpx.AsyncClient) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await client.aclose()


async def _park(keeper: AsyncIterator[None]) -> None:
    await keeper.__anext__()


def client() -> httpx.AsyncClient:
    """This event loop's client (call it from async code)."""
    loop = asyncio.get_running_loop()
    found = _clients.get(loop)
    if found is None or found.is_closed:
        found = _clients[loop] = httpx.AsyncClient(follow_redirects=True, timeout=None)
        # Started here, the generator belongs to this loop: its shutdown_asyncgens() runs the
        # `finally` above, closing the pooled connections before the loop goes.
        keeper = _keepers[loop] = _close_at_shutdown(found)
        loop.create_task(_park(keeper))
    return found
