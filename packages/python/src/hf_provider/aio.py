"""asyncio: the same provider, its calls run in a worker thread.

wasmtime-py has no async calls, but it releases the GIL while the component
waits on HTTP, so a call in ``asyncio.to_thread`` leaves the event loop free.
Calls on one provider run one at a time (one instance); use several providers
for concurrent requests.
"""

import asyncio

from .provider import Provider

_END = object()


class AsyncChatStream:
    """An open streamed answer: ``async for`` its events; ``async with`` closes it."""

    def __init__(self, stream):
        self._stream = stream
        self._events = iter(stream)

    def __aiter__(self):
        return self

    async def __anext__(self):
        event = await asyncio.to_thread(next, self._events, _END)
        if event is _END:
            raise StopAsyncIteration
        return event

    async def response(self):
        return await asyncio.to_thread(self._stream.response)

    async def aclose(self):
        await asyncio.to_thread(self._stream.close)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()


class AsyncProvider:
    """``Provider`` for asyncio: the same arguments, every method awaitable."""

    def __init__(self, **options):
        self._provider = Provider(**options)

    @property
    def config(self):
        return self._provider.config

    def __getattr__(self, name):
        method = getattr(self._provider, name)

        async def call(*args, **kwargs):
            return await asyncio.to_thread(method, *args, **kwargs)

        return call

    async def stream(self, model, messages, **options):
        return AsyncChatStream(await asyncio.to_thread(self._provider.stream, model, messages, **options))

    async def stream_with_failover(self, model, messages, **options):
        stream, attempts = await asyncio.to_thread(self._provider.stream_with_failover, model, messages, **options)
        return AsyncChatStream(stream), attempts

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self._provider.close()
