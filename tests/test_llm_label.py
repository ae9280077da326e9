"""`annotator llm-label` end to end against a real chat-completions server on 127.0.0.1.

The server (http.server in a thread) answers per sample: a valid JSON label, a
fenced one, malformed JSON, an unknown category, a 429 before the answer, and
one that never answers within the timeout.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.llm.prompt import InvalidAnswer, parse_answer
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

ANSWERS: dict[str, Any] = {
    "s1": '{"category": 6, "subcategory": "Type mismatch problem", "rationale": "list passed"}',
    "s2": '```json\n{"category": 2, "second_category": 10, "rationale": "missing paren"}\n```',
    "s3": "The answer is category 6 because {oops",
    "s4": '{"category": 99, "rationale": "?"}',
    "s5": ("429", '{"category": 10, "subcategory": "Incorrect algebraic calculations"}'),
    "s6": "sleep",
}


TRACEBACK = """Traceback (most recent call last):
  File "generated.py", line 2, in f
    return x.reshape(2)
ValueError: bad shape
"""


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: Counter[str] = Counter()
        self.auth: list[str] = []
        self.bodies: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, *args: Any) -> None:
        pass

    def _send(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        srv = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        sid = re.search(r"Sample: (\S+)", body["messages"][1]["content"]).group(1)  # type: ignore[union-attr]
        with srv.lock:
            srv.requests[sid] += 1
            srv.auth.append(self.headers.get("Authorization", ""))
            srv.bodies.append(body)
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
            attempt = srv.requests[sid]
        try:
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": "not found"}})
                return
            answer = ANSWERS[sid]
            time.sleep(0.05)
            if answer == "sleep":
                time.sleep(1.5)
                answer = '{"category": 1}'
            if isinstance(answer, tuple):
                if attempt == 1:
                    self._send(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
                    return
                answer = answer[1]
            self._send(
                200,
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": answer},
                        }
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                },
            )
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with srv.lock:
                srv.in_flight -= 1


@pytest.fixture
def server() -> Iterator[ChatServer]:
    srv = ChatServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "llm.db"
    with Store.open(path) as store:
        for i in range(1, 7):
            store.upsert_sample(
                SampleIn(
                    id=f"s{i}",
                    prompt="Write f.",
                    generated_code="def f(x):\n    return x.reshape(2)\n",
                    reference_code="def f(x):\n    return x.view(2)\n",
                    test_output=TRACEBACK,
                    passed=False,
                )
            )
        store.upsert_sample(SampleIn(id="ok", passed=True))
        store.set_label("s1", "alice", LabelValue(kind="bug", category=6))
    return path


def invoke(db: Path, server: ChatServer, *extra: str, env: dict[str, str] | None = None) -> Any:
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    args = ["--db", str(db), "llm-label", "--model", "m1", "--base-url", url]
    return CliRunner().invoke(cli, [*args, "--timeout", "0.5", "--retries", "1", *extra], env=env)


def test_end_to_end_labels_invalid_answers_timeouts_and_resume(
    db: Path, server: ChatServer
) -> None:
    result = invoke(db, server, "--concurrency", "2", env={"OPENAI_API_KEY": "sk-secret-123"})
    assert result.exit_code == 0, result.output
    assert "llm:m1: 6 samples asked: labeled 3, invalid 2, failed 1" in result.output
    assert server.max_in_flight <= 2
    assert server.requests["s5"] == 2  # the 429 was retried
    assert server.requests["s6"] == 2  # timed out, retried once, then failed
    assert "ok" not in server.requests  # passing samples are not sent
    assert set(server.auth) == {"Bearer sk-secret-123"}
    with Store.open(db) as store:
        labels = {lab.sample_id: lab for lab in store.labels("llm:m1")}
        assert set(labels) == {"s1", "s2", "s5"}
        assert (labels["s1"].category, labels["s1"].subcategory) == (6, "Type mismatch problem")
        assert (labels["s2"].category, labels["s2"].category2) == (2, 10)
        assert labels["s5"].category == 10 and labels["s1"].source == "llm"
        assert labels["s1"].note == "list passed"
        assert labels["s1"].raw == {"model": "m1", "prompt_version": "2"}
        rows = {a.sample_id: a for a in store.machine_answers("llm:m1")}
        assert {sid: a.status for sid, a in rows.items()} == {
            "s1": "labeled",
            "s2": "labeled",
            "s3": "invalid",
            "s4": "invalid",
            "s5": "labeled",
            "s6": "failed",
        }
        assert rows["s3"].error is not None and rows["s3"].error.startswith("not JSON")
        assert rows["s4"].error == "category: unknown category 99"
        assert rows["s6"].error == "timed out after 0.5 s"
        assert rows["s1"].prompt_tokens == 100 and rows["s1"].completion_tokens == 20
        assert rows["s1"].endpoint.endswith("/v1") and rows["s1"].model == "m1"
        # Human labels are untouched.
        alice = store.label("s1", "alice")
        assert alice is not None and alice.category == 6
    # The key is in no table.
    conn = sqlite3.connect(db)
    dump = "\n".join(conn.iterdump())
    conn.close()
    assert "sk-secret-123" not in dump
    # The prompt carries the codebook and the sample.
    system = server.bodies[0]["messages"][0]["content"]
    assert "rule: a library call rejects an argument's type or shape -> 6" in system
    user = server.bodies[0]["messages"][1]["content"]
    assert "Primary error: ValueError: bad shape" in user
    assert "Raised in the generated code, line 2: return x.reshape(2)" in user

    # Resume: only the failed sample is asked again.
    server.requests.clear()
    again = invoke(db, server)
    # No request of this run got an answer: exit 1, each reason counted (issue 22).
    assert again.exit_code == 1, again.output
    assert "failed 1: timed out after 0.5 s" in again.output
    assert "no request to" in again.output
    assert set(server.requests) == {"s6"}
    server.requests.clear()
    third = invoke(db, server, "--retry-invalid", "--samples", "s3,s4,s1")
    assert third.exit_code == 0
    assert set(server.requests) == {"s3", "s4"}


def test_machine_labels_stay_out_of_blind_views_and_default_agreement(
    db: Path, server: ChatServer
) -> None:
    assert invoke(db, server, "--samples", "s1,s2").exit_code == 0
    with Store.open(db) as store:
        store.set_label("s2", "bob", LabelValue(kind="bug", category=6))
        store.set_label("s1", "final", LabelValue(kind="bug", category=6))
        from annotator.store import SampleFilter

        # alice (s1: 6) and llm (s1: 6, s2: 2) are never compared by default ...
        assert store.queue_count("bob", SampleFilter(status="disagreement")) == 0
        assert store.codebook_examples(2, "alice", blind=True) == []
    runner = CliRunner()
    default = runner.invoke(cli, ["--db", str(db), "agreement", "--json", "--bootstrap", "0"])
    assert default.exit_code == 0, default.output
    assert "llm:m1" not in json.loads(default.stdout)["annotators"]
    named = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "agreement",
            "--annotators",
            "final,llm:m1",
            "--json",
            "--bootstrap",
            "0",
        ],
    )
    assert named.exit_code == 0, named.output
    pair = json.loads(named.stdout)["pairs"][0]
    assert (pair["a"], pair["b"], pair["n"], pair["percent"]) == ("final", "llm:m1", 1, 1.0)


def test_dry_run_estimates_and_sends_nothing(db: Path, server: ChatServer) -> None:
    result = invoke(db, server, "--dry-run", "--price-in", "1", "--price-out", "2")
    assert result.exit_code == 0, result.output
    assert "about 6 samples as llm:m1" in result.output
    assert "Estimated cost:" in result.output
    assert not server.requests
    with Store.open(db) as store:
        assert "llm:m1" not in store.annotators()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--annotator", "alice"], "starts with 'llm:'"),
        (["--annotator", "llm:"], "starts with 'llm:'"),
        (["--samples", "nope"], "no sample 'nope'"),
    ],
)
def test_bad_options_are_one_line(
    db: Path, server: ChatServer, args: list[str], message: str
) -> None:
    result = invoke(db, server, *args)
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_bad_base_url_is_refused(db: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "llm-label", "--model", "m", "--base-url", "ftp://x"]
    )
    assert result.exit_code == 1 and "not an http(s) URL" in result.output


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not JSON"),
        ("[1, 2]", "answer: Input should be a valid dictionary"),
        ('{"subcategory": "x"}', "category: Field required"),
        ('{"category": 6, "subcategory": "Nope"}', "category 6 has no subcategory 'Nope'"),
        ('{"category": 6, "second_category": 42}', "second_category: unknown category 42"),
    ],
)
def test_invalid_answers_are_named(text: str, reason: str) -> None:
    with pytest.raises(InvalidAnswer, match=re.escape(reason)):
        parse_answer(text, load_taxonomy())


def test_stored_endpoint_drops_credentials() -> None:
    from annotator.llm.runner import endpoint_of

    assert endpoint_of("https://user:pw@api.example.com:8443/v1/?key=s") == (
        "https://api.example.com:8443/v1"
    )


def test_machine_labels_never_vote_in_majority_counts(db: Path, server: ChatServer) -> None:
    # alice says 6 on s1; the LLM says 6 on s1 and 2 on s2. Without the LLM,
    # the majority is alice's alone: one sample in category 6, none in 2.
    assert invoke(db, server, "--samples", "s1,s2").exit_code == 0
    result = CliRunner().invoke(
        cli, ["--db", str(db), "export", "counts", "--source", "majority", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    totals = {c["id"]: c["total"] for c in data["categories"]}
    assert totals[6] == 1 and totals[2] == 0


def test_a_failed_run_adds_no_annotator_to_status(db: Path) -> None:
    """An endpoint that refuses connections labels nothing: the machine annotator is
    registered but has no label, so status, report and agreement do not list it."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    runner = CliRunner()
    runner.invoke(
        cli,
        ["--db", str(db), "llm-label", "--model", "m9", "--base-url", url, "--retries", "0"],
    )
    status = runner.invoke(cli, ["--db", str(db), "status"])
    assert status.exit_code == 0, status.output
    assert "llm:m9" not in status.output and "alice 1/6" in status.output
    as_json = json.loads(runner.invoke(cli, ["--db", str(db), "status", "--json"]).output)
    assert list(as_json["annotators"]) == ["alice"]
    report = runner.invoke(cli, ["--db", str(db), "report"])
    assert report.exit_code == 0 and "llm:m9" not in report.output
