"""`annotator llm-label` against hostile and broken servers on 127.0.0.1 (issue 23 item 8,
issue 22 item 7): every case costs one failed sample with a one-line reason, never a
traceback, a hang, a gigabyte or a request to another host; the sample's text cannot
close the prompt's fence.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from llm_hostile_server import HOSTILE_CODE, INJECTION, HostileServer, fence_closed_early

from annotator.cli import cli
from annotator.llm.prompt import fenced
from annotator.models import SampleIn
from annotator.store import Store


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[HostileServer, HostileServer]]:
    other = HostileServer()
    main = HostileServer(f"http://localhost:{other.server_address[1]}", bomb_mib=64)
    yield main, other
    main.stop()
    other.stop()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "h.db"
    with Store.open(path) as store:
        store.upsert_sample(
            SampleIn(
                id="s1", generated_code=HOSTILE_CODE, test_output="E   ValueError\n", passed=False
            )
        )
    return path


def label(db: Path, url: str, *extra: str) -> Result:
    args = ["--db", str(db), "llm-label", "--model", "m", "--base-url", url]
    return CliRunner().invoke(cli, [*args, "--retries", "0", *extra])


def unchanged(db: Path) -> bool:
    """No request was answered: nothing written, no machine annotator added."""
    with Store.open(db) as store:
        return store.machine_answers("llm:m") == [] and "llm:m" not in store.annotators()


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("gzipbomb", "an answer of more than 4,194,304 bytes (decompressed)"),
        ("deep", "the server's answer is not usable JSON: nested too deeply (more than 32 levels)"),
        ("bigint", "the server's answer is not usable JSON: an integer of more than 20 digits"),
        ("huge", "an answer of 100,000,000 bytes (the limit is 4,194,304)"),
        ("redirect", "HTTP 307: a redirect (to localhost) is never followed"),
        ("refuse", "HTTP 503: overloaded"),
    ],
)
def test_a_hostile_answer_fails_one_sample_with_its_reason(
    db: Path, servers: tuple[HostileServer, HostileServer], kind: str, reason: str
) -> None:
    main, other = servers
    result = label(db, main.url(kind), "--timeout", "20")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    # Nothing answered: exit 1, and the reason is printed with its count (issue 22 item 7).
    assert result.exit_code == 1, result.output
    assert f"failed 1: {reason}" in result.output
    assert unchanged(db)
    assert not other.paths  # the redirect was not followed: the other host saw nothing


def test_a_deep_answer_text_is_an_invalid_answer(
    db: Path, servers: tuple[HostileServer, HostileServer]
) -> None:
    result = label(db, servers[0].url("deepanswer"))
    assert result.exit_code == 0, result.output
    assert "invalid 1: not JSON: nested too deeply (more than 8 levels)" in result.output


def test_a_refusing_endpoint_exits_1_and_says_why(db: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = label(db, f"http://127.0.0.1:{port}/v1")
    assert result.exit_code == 1
    assert f"failed 1: cannot connect to 127.0.0.1:{port}: connection refused" in result.output


def test_a_trickling_body_ends_at_the_total_deadline(
    db: Path, servers: tuple[HostileServer, HostileServer]
) -> None:
    started = time.monotonic()
    result = label(db, servers[0].url("trickle"), "--timeout", "1")
    took = time.monotonic() - started
    assert took < 3, took  # one byte every 2 s kept a per-read timeout open for ever
    assert result.exit_code == 1
    assert "failed 1: timed out after 1 s" in result.output and unchanged(db)


def test_the_first_ctrl_c_stops_the_run(
    db: Path, servers: tuple[HostileServer, HostileServer]
) -> None:
    url = servers[0].url("trickle")
    seen = len(servers[0].paths)
    cmd = [sys.executable, "-m", "annotator", "--db", str(db), "llm-label", "--model", "m"]
    proc = subprocess.Popen(
        [*cmd, "--base-url", url, "--timeout", "60", "--retries", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while len(servers[0].paths) == seen and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=3)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, out
    assert "Traceback" not in out
    assert "Interrupted" in out


def test_the_sample_cannot_close_the_prompts_fence(
    db: Path, servers: tuple[HostileServer, HostileServer]
) -> None:
    main = servers[0]
    result = label(db, main.url("ok"))
    assert result.exit_code == 0, result.output
    prompt = next(p for p in reversed(main.prompts) if INJECTION in p)
    assert not fence_closed_early(prompt)
    assert fenced("a ```` b", "python").startswith("`````python\n")
    assert fenced("plain") == "```\nplain\n```"


def test_the_deadline_holds_over_tls(tmp_path: Path, db: Path) -> None:
    """A trickling HTTPS server (a certificate for 127.0.0.1 trusted through
    SSL_CERT_FILE): the watchdog ends the TLS read at the deadline too."""
    import shutil
    import ssl

    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("openssl could not make a certificate")
    server = HostileServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    try:
        url = server.url("trickle").replace("http://", "https://")
        cmd = [sys.executable, "-m", "annotator", "--db", str(db), "llm-label", "--model", "m"]
        started = time.monotonic()
        proc = subprocess.run(
            [*cmd, "--base-url", url, "--timeout", "2", "--retries", "0"],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "SSL_CERT_FILE": str(cert)},
        )
        took = time.monotonic() - started
    finally:
        server.stop()
    assert server.paths, proc.stdout + proc.stderr  # the TLS request did reach the server
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "failed 1: timed out after 2 s" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert took < 15, took
