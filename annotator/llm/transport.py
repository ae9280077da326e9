"""One HTTP exchange with a chat-completions endpoint, bounded in time, bytes and place.

Contract: :class:`Exchange` POSTs one JSON body and returns the status and the
body, or raises :class:`RequestFailed` with a one-line reason:

- a **total deadline**: the whole exchange (connect, headers, body) ends at
  ``timeout`` seconds; a watchdog shuts the socket down then, so a server
  trickling one byte at a time cannot keep it open ("timed out after 5 s");
- :meth:`Exchange.abort` (from another thread: Ctrl-C) ends it the same way;
- a **byte cap**: more than ``max_bytes`` on the wire or after decompressing
  (gzip/deflate are inflated here, in steps, never whole) fails the request;
- **no redirects**: a 3xx answer is a failure naming where it pointed, never
  followed (the key is never sent to another host);
- the body is returned as bytes; parsing (with limits) is the caller's.

Only the standard library is used (http.client, ssl with the default,
verifying context). ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` are honoured
(HTTPS through a CONNECT tunnel).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from urllib.parse import urlsplit

from ..textsafe import visible_line

MAX_RESPONSE_BYTES = 4 << 20
"""Bytes of an answer accepted, on the wire and decompressed (answers are a few KB)."""
CHUNK = 64 << 10


class RequestFailed(Exception):
    """The exchange failed; ``str()`` is the reason, ``retryable`` whether to try again."""

    def __init__(self, reason: str, retryable: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.retryable = retryable
        self.retry_after = retry_after


def _proxy_for(scheme: str, host: str) -> tuple[str, int] | None:
    proxies = urllib.request.getproxies()
    if not proxies.get(scheme) or urllib.request.proxy_bypass(host):
        return None
    parts = urlsplit(proxies[scheme])
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


class Exchange:
    """One POST of ``body`` to ``url`` with ``headers`` (see the module contract)."""

    def __init__(
        self,
        url: str,
        body: bytes,
        headers: dict[str, str],
        timeout: float,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.url, self.body, self.headers = url, body, headers
        self.timeout, self.max_bytes = timeout, max_bytes
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._why: str | None = None

    def abort(self, why: str = "interrupted") -> None:
        """End the exchange now, from any thread (the reader gets :class:`RequestFailed`)."""
        with self._lock:
            if self._why is None:
                self._why = why
            conn = self._conn
        sock = getattr(conn, "sock", None) if conn is not None else None
        if sock is not None:
            try:
                # The plain socket's shutdown, also under TLS: SSLSocket.shutdown would
                # drop the TLS object that the reading thread is still using.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def _check(self) -> None:
        if self._why is not None:
            raise RequestFailed(self._why, retryable=self._why.startswith("timed out"))

    def run(self) -> tuple[int, bytes]:
        """``(status, body)`` of a 2xx, 4xx or 5xx answer; :class:`RequestFailed` otherwise."""
        deadline = time.monotonic() + self.timeout
        watchdog = threading.Timer(
            self.timeout, self.abort, (f"timed out after {self.timeout:g} s",)
        )
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._run(deadline)
        except RequestFailed:
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self._check()  # a shut-down socket: say why it was shut
            if isinstance(exc, TimeoutError):
                raise RequestFailed(f"timed out after {self.timeout:g} s", retryable=True) from None
            raise RequestFailed(_network_reason(exc, self.url), retryable=True) from None
        finally:
            watchdog.cancel()
            with self._lock:
                conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def _connection(self, remaining: float) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        proxy = _proxy_for(parts.scheme, host)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn: http.client.HTTPConnection
        if https:
            context = ssl.create_default_context()
            if proxy is not None:
                conn = http.client.HTTPSConnection(*proxy, timeout=remaining, context=context)
                conn.set_tunnel(host, port)
            else:
                conn = http.client.HTTPSConnection(host, port, timeout=remaining, context=context)
        elif proxy is not None:
            conn = http.client.HTTPConnection(*proxy, timeout=remaining)
            target = self.url  # a plain-HTTP proxy takes the absolute URL
        else:
            conn = http.client.HTTPConnection(host, port, timeout=remaining)
        return conn, target or "/"

    def _run(self, deadline: float) -> tuple[int, bytes]:
        conn, target = self._connection(max(0.01, deadline - time.monotonic()))
        with self._lock:
            self._conn = conn
        self._check()
        conn.connect()
        self._check()
        conn.request("POST", target, body=self.body, headers=self.headers)
        response = conn.getresponse()
        self._check()
        status = response.status
        if 300 <= status < 400:
            where = urlsplit(response.getheader("Location") or "").hostname or "elsewhere"
            raise RequestFailed(
                f"HTTP {status}: a redirect (to {visible_line(where)[:100]}) is never followed"
            )
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > self.max_bytes:
            raise RequestFailed(
                f"an answer of {int(length):,} bytes (the limit is {self.max_bytes:,})"
            )
        body = self._read(response)
        retry_after = _seconds(response.getheader("Retry-After"))
        if status == 429 or status == 408 or status >= 500:
            raise RequestFailed(status_reason(status, body), True, retry_after)
        return status, body

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        decoder = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            decoder = zlib.decompressobj(47 if encoding != "deflate" else 15)
        elif encoding != "identity":
            raise RequestFailed(f"an answer in an unknown encoding ({visible_line(encoding)[:40]})")
        out = bytearray()
        wire = 0
        while True:
            chunk = response.read1(CHUNK)
            self._check()
            if not chunk:
                break
            wire += len(chunk)
            if wire > self.max_bytes:
                raise RequestFailed(f"an answer of more than {self.max_bytes:,} bytes")
            if decoder is not None:
                chunk = decoder.decompress(chunk, self.max_bytes + 1 - len(out))
                if decoder.unconsumed_tail:
                    chunk += b"x"  # more than the cap is waiting: over the limit
            out += chunk
            if len(out) > self.max_bytes:
                raise RequestFailed(
                    f"an answer of more than {self.max_bytes:,} bytes (decompressed)"
                )
        return bytes(out)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def status_reason(status: int, body: bytes) -> str:
    from ..safejson import JsonLimitError, loads

    message = ""
    try:
        data = loads(body, max_bytes=64 << 10, max_depth=8)
        error = data.get("error") if isinstance(data, dict) else None
        raw = error.get("message") if isinstance(error, dict) else error
        message = raw if isinstance(raw, str) else ""
    except JsonLimitError:
        pass
    message = visible_line(message)[:200]
    return f"HTTP {status}" + (f": {message}" if message else "")


def _network_reason(exc: BaseException, url: str) -> str:
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {parts.hostname}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error with {where}: {visible_line(exc.reason or exc)[:120]}"
    text = visible_line(str(exc) or type(exc).__name__)[:200]
    return f"connection to {where} failed: {text}"
