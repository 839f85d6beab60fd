"""asyncio: the same provider, its calls run in a worker thread.

wasmtime-py has no async calls, but it releases the GIL while the component
waits on HTTP, so a call in ``asyncio.to_thread`` leaves the event loop free.
Calls on one provider run one at a time (one instance); use several providers
for concurrent requests.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Optional, Union

from .provider import DEFAULT_BASE_URL, ChatStream, Provider, _ChatOptions, _Message
from .types import Attempt, ChatResponse, Config, Discovery, HttpRequest, ModelInfo, ModelRef, StreamEvent

if TYPE_CHECKING:
    from collections.abc import Mapping

    from typing_extensions import Self, Unpack


def _next(events: Iterator[StreamEvent]) -> Optional[StreamEvent]:
    """The next event, or ``None`` at the end (no event is ``None``)."""
    return next(events, None)


class AsyncChatStream:
    """An open streamed answer: ``async for`` its events; ``async with`` closes it."""

    def __init__(self, stream: ChatStream) -> None:
        self._stream = stream
        self._events = iter(stream)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StreamEvent:
        event = await asyncio.to_thread(_next, self._events)
        if event is None:
            raise StopAsyncIteration
        return event

    async def response(self) -> ChatResponse:
        """The answer assembled so far; complete once iteration has ended."""
        return await asyncio.to_thread(self._stream.response)

    async def aclose(self) -> None:
        """Closes the connection (done for you at the end of iteration)."""
        await asyncio.to_thread(self._stream.close)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncProvider:
    """``Provider`` for asyncio: the same arguments, every method awaitable."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        token: Optional[str] = None,
        env: Optional[Mapping[str, str]] = None,
        timeout_ms: int = 30_000,
        bill_to: Optional[str] = None,
        request_deadline_ms: Optional[int] = None,
        stream_idle_ms: Optional[int] = None,
        stream_deadline_ms: Optional[int] = None,
        config: Optional[str] = None,
        component_path: Union[str, os.PathLike[str], None] = None,
    ) -> None:
        self._provider = Provider(
            base_url=base_url,
            token=token,
            env=env,
            timeout_ms=timeout_ms,
            bill_to=bill_to,
            request_deadline_ms=request_deadline_ms,
            stream_idle_ms=stream_idle_ms,
            stream_deadline_ms=stream_deadline_ms,
            config=config,
            component_path=component_path,
        )

    @property
    def config(self) -> Config:
        """The configuration in use, parsed."""
        return self._provider.config

    async def parse_model_ref(self, reference: str) -> ModelRef:
        """``Provider.parse_model_ref``, in a worker thread."""
        return await asyncio.to_thread(self._provider.parse_model_ref, reference)

    async def normalize_model_ref(self, reference: str) -> str:
        """``Provider.normalize_model_ref``, in a worker thread."""
        return await asyncio.to_thread(self._provider.normalize_model_ref, reference)

    async def builtin_catalog(self) -> list[ModelInfo]:
        """``Provider.builtin_catalog``, in a worker thread."""
        return await asyncio.to_thread(self._provider.builtin_catalog)

    async def discover(self, *, strict: bool = False) -> Discovery:
        """``Provider.discover``, in a worker thread."""
        return await asyncio.to_thread(self._provider.discover, strict=strict)

    async def models(self, *, strict: bool = False) -> list[ModelInfo]:
        """``Provider.models``, in a worker thread."""
        return await asyncio.to_thread(self._provider.models, strict=strict)

    async def merge(self, models: Sequence[ModelInfo]) -> list[ModelInfo]:
        """``Provider.merge``, in a worker thread."""
        return await asyncio.to_thread(self._provider.merge, models)

    async def project_models(self, body: Union[bytes, bytearray, memoryview, str]) -> list[ModelInfo]:
        """``Provider.project_models``, in a worker thread."""
        return await asyncio.to_thread(self._provider.project_models, body)

    async def display_name(self, reference: str, models: Sequence[ModelInfo]) -> str:
        """``Provider.display_name``, in a worker thread."""
        return await asyncio.to_thread(self._provider.display_name, reference, models)

    async def parse_config(self, text: str) -> Config:
        """``Provider.parse_config``, in a worker thread."""
        return await asyncio.to_thread(self._provider.parse_config, text)

    async def onboard(self, existing: Optional[str], models: Sequence[ModelInfo], *, has_token: bool) -> str:
        """``Provider.onboard``, in a worker thread."""
        return await asyncio.to_thread(self._provider.onboard, existing, models, has_token=has_token)

    async def build_request(
        self, model: str, messages: Sequence[_Message], *, stream: bool = False, **options: Unpack[_ChatOptions]
    ) -> HttpRequest:
        """``Provider.build_request``, in a worker thread."""
        return await asyncio.to_thread(self._provider.build_request, model, messages, stream=stream, **options)

    async def complete(self, model: str, messages: Sequence[_Message], **options: Unpack[_ChatOptions]) -> ChatResponse:
        """``Provider.complete``, in a worker thread."""
        return await asyncio.to_thread(self._provider.complete, model, messages, **options)

    async def stream(self, model: str, messages: Sequence[_Message], **options: Unpack[_ChatOptions]) -> AsyncChatStream:
        """``Provider.stream``, in a worker thread: the stream for ``async for``."""
        return AsyncChatStream(await asyncio.to_thread(self._provider.stream, model, messages, **options))

    async def candidates(self, model: Optional[str] = None) -> list[str]:
        """``Provider.candidates``, in a worker thread."""
        return await asyncio.to_thread(self._provider.candidates, model)

    async def complete_with_failover(
        self,
        model: str,
        messages: Sequence[_Message],
        *,
        candidates: Optional[Sequence[str]] = None,
        **options: Unpack[_ChatOptions],
    ) -> tuple[ChatResponse, list[Attempt]]:
        """``Provider.complete_with_failover``, in a worker thread."""
        return await asyncio.to_thread(
            self._provider.complete_with_failover, model, messages, candidates=candidates, **options
        )

    async def stream_with_failover(
        self,
        model: str,
        messages: Sequence[_Message],
        *,
        candidates: Optional[Sequence[str]] = None,
        **options: Unpack[_ChatOptions],
    ) -> tuple[AsyncChatStream, list[Attempt]]:
        """``Provider.stream_with_failover``, in a worker thread: the stream for ``async for``."""
        stream, attempts = await asyncio.to_thread(
            self._provider.stream_with_failover, model, messages, candidates=candidates, **options
        )
        return AsyncChatStream(stream), attempts

    async def close(self) -> None:
        """``Provider.close``, in a worker thread."""
        await asyncio.to_thread(self._provider.close)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._provider.close()
