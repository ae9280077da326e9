"""Sending failing samples to an OpenAI-compatible endpoint and recording the answers.

Contract: :func:`pending` lists the failing samples a run still has to ask
about (samples already labeled by the machine annotator, or answered
invalidly unless ``retry_invalid``, are skipped: a run is resumable);
:func:`estimate` gives the request count and token estimate before any
request; :func:`run` asks with at most ``concurrency`` requests in flight,
each with a timeout and the client's retries with exponential backoff (429s
and timeouts included), and records every answer as soon as it arrives, on
the calling thread (workers only do HTTP). A valid answer becomes the label
of the machine annotator; an invalid one is stored as 'invalid', a request
that failed for good as 'failed', neither as a label. The API key comes
from an environment variable and is never stored; the stored endpoint has
no credentials or query.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import UserError
from ..paths import install_hint
from ..store import Store
from ..store.machine import MachineAnswer, answered, record_answer, register_machine
from .prompt import PROMPT_VERSION, InvalidAnswer, build_messages, parse_answer

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
    done = answered(store, annotator, retry_invalid=retry_invalid)
    return [s for s in failing if s not in done]


def estimate(store: Store, ids: list[str]) -> Estimate:
    chars = 0
    for sid in ids:
        sample = store.require_sample(sid)
        chars += sum(len(m["content"]) for m in build_messages(store.taxonomy, sample))
    return Estimate(len(ids), chars // CHARS_PER_TOKEN, ANSWER_TOKENS * len(ids))


def _client(config: LlmConfig) -> Any:
    try:
        from openai import OpenAI
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise UserError(f"llm-label needs the llm extra: {install_hint('llm')}") from None
    # Local servers (Ollama, llama.cpp, vLLM) accept any key; the client wants one.
    key = os.environ.get(config.api_key_env) or "not-needed"
    return OpenAI(
        api_key=key, base_url=config.base_url, timeout=config.timeout, max_retries=config.retries
    )


@dataclass(frozen=True)
class _Reply:
    sample_id: str
    text: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    error: str | None


def _ask(client: Any, config: LlmConfig, sample_id: str, messages: list[dict[str, str]]) -> _Reply:
    import openai

    try:
        response = client.chat.completions.create(
            model=config.model, messages=messages, temperature=config.temperature
        )
    except openai.APITimeoutError:
        return _Reply(sample_id, None, None, None, f"timed out after {config.timeout:g} s")
    except openai.APIStatusError as exc:
        return _Reply(sample_id, None, None, None, f"HTTP {exc.status_code}")
    except openai.OpenAIError as exc:
        return _Reply(sample_id, None, None, None, " ".join(str(exc).split())[:300])
    usage = getattr(response, "usage", None)
    choices = getattr(response, "choices", None) or []
    text = choices[0].message.content if choices and choices[0].message else None
    return _Reply(
        sample_id,
        text if text is not None else "",
        getattr(usage, "prompt_tokens", None),
        getattr(usage, "completion_tokens", None),
        None,
    )


def _record(store: Store, config: LlmConfig, endpoint: str, reply: _Reply) -> str:
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
    record_answer(store, answer, label)
    return status


def run(
    store: Store,
    config: LlmConfig,
    ids: list[str],
    progress: Callable[[str, str], None] | None = None,
) -> RunSummary:
    """Ask about every sample in ``ids``; ``progress(sample_id, status)`` after each."""
    if config.concurrency < 1:
        raise UserError("--concurrency must be at least 1", field="concurrency")
    endpoint = endpoint_of(config.base_url)
    client = _client(config)
    register_machine(store, config.annotator, config.model, endpoint)
    summary = RunSummary()
    queue = iter(ids)
    with ThreadPoolExecutor(max_workers=config.concurrency) as pool:
        running: set[Future[_Reply]] = set()

        def submit_next() -> None:
            sid = next(queue, None)
            if sid is not None:
                messages = build_messages(store.taxonomy, store.require_sample(sid))
                running.add(pool.submit(_ask, client, config, sid, messages))

        for _ in range(config.concurrency):
            submit_next()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.discard(future)
                reply = future.result()
                status = _record(store, config, endpoint, reply)
                summary.statuses[status] += 1
                summary.prompt_tokens += reply.prompt_tokens or 0
                summary.completion_tokens += reply.completion_tokens or 0
                if progress is not None:
                    progress(reply.sample_id, status)
                submit_next()
    return summary
