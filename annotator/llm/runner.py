"""Sending failing samples to an OpenAI-compatible endpoint and recording the answers.

Contract: :func:`pending` lists the failing samples a run still has to ask
about (samples already labeled by the machine annotator, or answered
invalidly unless ``retry_invalid``, are skipped: a run is resumable);
:func:`estimate` gives the request count and token estimate before any
request; :func:`run` asks with at most ``concurrency`` requests in flight,
each attempt with a total deadline and retries with exponential backoff (429s,
5xx and timeouts), and records every answer as soon as it arrives, on
the calling thread (workers only do HTTP). A valid answer becomes the label
of the machine annotator; an invalid one is stored as 'invalid', a request
that failed for good as 'failed', neither as a label; the summary counts
each distinct reason. Every request goes through
:class:`~annotator.llm.transport.Exchange` (a total deadline per attempt, a
byte cap, no redirects) and its answer is parsed by
:func:`annotator.safejson.loads` with small depth and digit limits: a
hostile or broken server costs one failed sample, never the run. Ctrl-C
aborts the requests in flight at once (:class:`Interrupted`). The API key comes
from an environment variable and is never stored; the stored endpoint has
no credentials or query.
"""

from __future__ import annotations

import json
import os
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import UserError
from ..safejson import JsonLimitError, loads
from ..store import MachineAnswer, Store
from .prompt import PROMPT_VERSION, InvalidAnswer, build_messages, parse_answer
from .transport import MAX_RESPONSE_BYTES, Exchange, RequestFailed, status_reason

CHARS_PER_TOKEN = 4
"""Rough size of a token for the estimate (English text and code)."""
ANSWER_TOKENS = 150
"""Expected tokens of one answer, for the estimate."""


@dataclass(frozen=True)
class LlmConfig:
    model: str
    base_url: str
    annotator: str
    concurrency: int = 4
    timeout: float = 60.0
    retries: int = 3
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = 0.0


@dataclass
class Estimate:
    samples: int
    prompt_tokens: int
    completion_tokens: int

    def cost(self, price_in: float | None, price_out: float | None) -> float | None:
        """Cost at prices per million tokens (None when a price is unknown)."""
        if price_in is None or price_out is None:
            return None
        return (self.prompt_tokens * price_in + self.completion_tokens * price_out) / 1e6


@dataclass
class RunSummary:
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, Counter[str]] = field(
        default_factory=lambda: {"failed": Counter(), "invalid": Counter()}
    )
    """Why requests failed for good, and why answers were invalid: reason -> samples."""
    prompt_tokens: int = 0
    completion_tokens: int = 0


def endpoint_of(base_url: str) -> str:
    """The endpoint as stored: scheme, host, port and path (no user, password or query)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"not an http(s) URL: {base_url!r}", field="base-url")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def pending(
    store: Store, annotator: str, sample_ids: Iterable[str] | None, *, retry_invalid: bool
) -> list[str]:
    failing = store.sample_ids(failing_only=True)
    if sample_ids is not None:
        wanted = list(dict.fromkeys(sample_ids))
        known = set(store.sample_ids())
        unknown = [s for s in wanted if s not in known]
        if unknown:
            raise UserError(f"no sample {unknown[0]!r} in {store.path}", field="samples")
        chosen = set(wanted)
        failing = [s for s in failing if s in chosen]
    done = store.machine_answered(annotator, retry_invalid=retry_invalid)
    return [s for s in failing if s not in done]


def estimate(store: Store, ids: list[str]) -> Estimate:
    chars = 0
    for sid in ids:
        sample = store.require_sample(sid)
        chars += sum(len(m["content"]) for m in build_messages(store.taxonomy, sample))
    return Estimate(len(ids), chars // CHARS_PER_TOKEN, ANSWER_TOKENS * len(ids))


ANSWER_DEPTH = 32
"""Nesting accepted in a server's JSON (a chat completion nests about 5 levels)."""
ANSWER_DIGITS = 20
"""Digits accepted in an integer of a server's JSON (token counts)."""


def _url(config: LlmConfig) -> str:
    return config.base_url.rstrip("/") + "/chat/completions"


def _headers(config: LlmConfig) -> dict[str, str]:
    # Local servers (Ollama, llama.cpp, vLLM) accept any key; hosted ones want theirs.
    key = os.environ.get(config.api_key_env) or "not-needed"
    return {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "Authorization": f"Bearer {key}",
        "User-Agent": "annotator-llm-label",
    }


@dataclass(frozen=True)
class _Reply:
    sample_id: str
    text: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    error: str | None


def _tokens(usage: Any, key: str) -> int | None:
    value = usage.get(key) if isinstance(usage, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _reply(sample_id: str, body: bytes) -> _Reply:
    """The answer text and token counts of a chat completion, parsed within limits."""
    try:
        data = loads(
            body, max_bytes=MAX_RESPONSE_BYTES, max_depth=ANSWER_DEPTH, max_digits=ANSWER_DIGITS
        )
    except JsonLimitError as exc:
        return _Reply(sample_id, None, None, None, f"the server's answer is not usable JSON: {exc}")
    choices = data.get("choices") if isinstance(data, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    text = message.get("content") if isinstance(message, dict) else None
    if text is not None and not isinstance(text, str):
        return _Reply(sample_id, None, None, None, "the server's answer has no text content")
    usage = data.get("usage") if isinstance(data, dict) else None
    return _Reply(
        sample_id,
        text or "",
        _tokens(usage, "prompt_tokens"),
        _tokens(usage, "completion_tokens"),
        None,
    )


class _Asker:
    """Sends the requests of a run: one :class:`Exchange` per attempt, retried with
    exponential backoff; :meth:`cancel` aborts every exchange in flight."""

    def __init__(self, config: LlmConfig) -> None:
        self.config = config
        self.url = _url(config)
        self.headers = _headers(config)
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._live: set[Exchange] = set()

    def cancel(self) -> None:
        self.cancelled.set()
        with self._lock:
            live = list(self._live)
        for exchange in live:
            exchange.abort()

    def ask(self, sample_id: str, messages: list[dict[str, str]]) -> _Reply:
        config = self.config
        body = json.dumps(
            {"model": config.model, "messages": messages, "temperature": config.temperature}
        ).encode("utf-8")
        reason = "not sent"
        for attempt in range(config.retries + 1):
            if self.cancelled.is_set():
                return _Reply(sample_id, None, None, None, "interrupted")
            exchange = Exchange(self.url, body, self.headers, config.timeout)
            with self._lock:
                self._live.add(exchange)
            try:
                status, answer = exchange.run()
            except RequestFailed as exc:
                reason = str(exc)
                if not exc.retryable or attempt == config.retries:
                    break
                wait_s = exc.retry_after if exc.retry_after is not None else 0.5 * 2**attempt
                self.cancelled.wait(min(wait_s, MAX_BACKOFF))
                continue
            finally:
                with self._lock:
                    self._live.discard(exchange)
            if status >= 400:
                return _Reply(sample_id, None, None, None, status_reason(status, answer))
            return _reply(sample_id, answer)
        return _Reply(sample_id, None, None, None, reason)


MAX_BACKOFF = 30.0
"""Longest wait between two attempts (a server's Retry-After included)."""


def _record(
    store: Store, config: LlmConfig, endpoint: str, reply: _Reply
) -> tuple[str, str | None]:
    label = None
    error = reply.error
    status = "failed"
    if reply.text is not None:
        try:
            label = parse_answer(reply.text, store.taxonomy, model=config.model)
            status = "labeled"
        except InvalidAnswer as exc:
            status, error = "invalid", str(exc)
    answer = MachineAnswer(
        reply.sample_id,
        config.annotator,
        status,  # type: ignore[arg-type]
        config.model,
        endpoint,
        PROMPT_VERSION,
        reply.prompt_tokens,
        reply.completion_tokens,
        reply.text,
        error,
    )
    store.record_machine_answer(answer, label)
    return status, error


class Interrupted(Exception):
    """The run was stopped (Ctrl-C); the answers that arrived before are recorded."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__("interrupted")
        self.summary = summary


def run(
    store: Store,
    config: LlmConfig,
    ids: list[str],
    progress: Callable[[str, str], None] | None = None,
) -> RunSummary:
    """Ask about every sample in ``ids``; ``progress(sample_id, status)`` after each.

    Workers (daemon threads) only do HTTP; answers are recorded here, on the
    calling thread, as they arrive. Until the first answer (valid or not)
    arrives nothing is written: failed requests are held, so a run in which
    no request was answered leaves the database as it was. A KeyboardInterrupt aborts every request in
    flight at once and raises :class:`Interrupted` (nothing is written after it).
    """
    if config.concurrency < 1:
        raise UserError("--concurrency must be at least 1", field="concurrency")
    endpoint = endpoint_of(config.base_url)
    asker = _Asker(config)
    # Failed requests before the first answer: written only once an answer arrives, so
    # that a run that got none changes nothing (and adds no annotator to `status`).
    held: list[_Reply] | None = []
    summary = RunSummary()
    jobs: queue.Queue[tuple[str, list[dict[str, str]]] | None] = queue.Queue()
    replies: queue.Queue[_Reply] = queue.Queue()

    def work() -> None:
        while (job := jobs.get()) is not None:
            try:
                replies.put(asker.ask(*job))
            except Exception as exc:  # noqa: BLE001 - one sample's failure, reported as such
                replies.put(_Reply(job[0], None, None, None, f"{type(exc).__name__}: {exc}"[:200]))

    workers = [threading.Thread(target=work, daemon=True) for _ in range(config.concurrency)]
    for worker in workers:
        worker.start()
    pending_ids = iter(ids)
    in_flight = 0

    def submit_next() -> bool:
        sid = next(pending_ids, None)
        if sid is None:
            return False
        jobs.put((sid, build_messages(store.taxonomy, store.require_sample(sid))))
        return True

    try:
        for _ in range(config.concurrency):
            in_flight += submit_next()
        while in_flight:
            try:
                reply = replies.get(timeout=0.2)
            except queue.Empty:
                continue
            in_flight -= 1
            if reply.text is None and held is not None:
                held.append(reply)  # nothing is written until some request is answered
                status, error = "failed", reply.error
            else:
                if held is not None:
                    store.register_machine(config.annotator, config.model, endpoint)
                    for earlier in held:
                        _record(store, config, endpoint, earlier)
                    held = None
                status, error = _record(store, config, endpoint, reply)
            summary.statuses[status] += 1
            if status != "labeled":
                summary.reasons[status][error or "no reason given"] += 1
            summary.prompt_tokens += reply.prompt_tokens or 0
            summary.completion_tokens += reply.completion_tokens or 0
            if progress is not None:
                progress(reply.sample_id, status)
            in_flight += submit_next()
    except KeyboardInterrupt:
        asker.cancel()
        raise Interrupted(summary) from None
    finally:
        for _ in workers:
            jobs.put(None)
    return summary
