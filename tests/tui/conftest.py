"""Fixtures for the labeling UI: a small deterministic database and helpers.

Suggestions are stubbed (autouse) so that tests and snapshots do not depend
on the suggestion engine; tests that need them patch their own list.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from annotator.models import SampleIn, Suggestion
from annotator.store import Store

HOSTILE = "[bold red]x[/bold red] [link=https://evil.example]click[/link] \x1b[31mred\x1b[0m"

TRACEBACK = """\
============================= test session starts ==============================
collected 1 item

test_mod.py F                                                            [100%]

=================================== FAILURES ===================================
___________________________________ test_it ____________________________________

    def test_it():
>       assert {fn}(3) == 4

test_mod.py:5:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

x = 3

    def {fn}(x):
        y = x + 1
>       return y.reshape({n}, -1)
E       {exc}: {msg}

generated.py:5: {exc}
=========================== short test summary info ============================
FAILED test_mod.py::test_it - {exc}: {msg}
============================== 1 failed in 0.01s ===============================
"""


def make_sample(
    index: int, exc: str = "AttributeError", msg: str = "no attr", fn: str = ""
) -> SampleIn:
    fn = fn or f"func{index}"
    code = f"import torch\n\ndef {fn}(x):\n    y = x + 1\n    return y.reshape({index}, -1)\n"
    return SampleIn(
        id=f"s{index:02d}",
        prompt=f"Write {fn} that reshapes a tensor.",
        generated_code=code,
        reference_code=code.replace("reshape", "view"),
        test_output=TRACEBACK.format(fn=fn, n=index, exc=exc, msg=msg),
        passed=False,
        model="gpt" if index % 2 else "llama",
        stage="impl",
        data_type="tensor",
        task_type="function",
        metadata={"function": fn},
    )


def fill(store: Store) -> list[str]:
    """Eight failing samples (s01..s03 share one failure: a cluster), one passing."""
    samples = [
        make_sample(1, fn="reshape_it", exc="ValueError", msg="shape mismatch 1 vs 2"),
        make_sample(2, "TypeError", "bad operand"),
        make_sample(3, fn="reshape_it", exc="ValueError", msg="shape mismatch 7 vs 9"),
        make_sample(4, "KeyError", "missing key"),
        make_sample(5, fn="reshape_it", exc="ValueError", msg="shape mismatch 3 vs 5"),
        make_sample(6, "IndexError", "out of range"),
        make_sample(7, "NameError", "undefined"),
        make_sample(8, "ZeroDivisionError", "division by zero"),
    ]
    passing = make_sample(9).model_copy(update={"passed": True, "test_output": "1 passed"})
    for sample in [*samples, passing]:
        store.upsert_sample(sample)
    return [s.id for s in [*samples, passing]]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests with asyncio (no async plugin is installed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs: dict[str, Any] = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(pyfuncitem.obj(**kwargs))
    return True


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the 'saved' time and start background work right after a paint."""
    monkeypatch.setattr("annotator.tui.clock.clock", lambda: "12:00:00")
    monkeypatch.setattr("annotator.tui.screens.label.LabelScreen.BACKGROUND_DELAY", 0)


@pytest.fixture(autouse=True)
def no_suggestions(monkeypatch: pytest.MonkeyPatch) -> list[Suggestion]:
    """Suggestions the stubbed engine returns (empty unless a test fills it)."""
    found: list[Suggestion] = []
    monkeypatch.setattr(
        "annotator.suggest.engine.suggestions_for",
        lambda store, sample_id, top=5, annotator=None, hidden=frozenset(), rules=None: list(found),
    )
    return found


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "tui.db"
    with Store.open(path) as store:
        fill(store)
    return path


@pytest.fixture
def tui_store(db_path: Path) -> Iterator[Store]:
    store = Store.open(db_path)
    yield store
    store.close()


async def settle(pilot: Pilot[None]) -> None:
    """Wait until workers are done and their messages are handled."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(title: str | None) -> str:
    """A title or sub-title the screen has set (Textual types them ``str | None``)."""
    assert title is not None
    return title
