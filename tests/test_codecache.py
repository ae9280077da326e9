"""Dataclass methods compiled once and kept between runs (:mod:`annotator.codecache`).

The code a source text gets from the cache is the code ``compile`` makes of it, on a
miss and after a round trip through the file; a file that is not a sound cache of
the user's own is not read; the ``annotator`` command fills the file on its first
run and compiles nothing on the next (the file is left as it was).
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import subprocess
import sys
from pathlib import Path
from types import CodeType

import pytest

from annotator import codecache
from annotator.codecache import CodeCache, cache_file, read_entries, write_entries


def dataclass_sources() -> list[str]:
    """The sources dataclasses generates for a few kinds of class (frozen, slotted,
    defaults, factories, keyword-only, ordered)."""
    seen: list[str] = []
    cache = CodeCache(Path("/nonexistent/cache.marshal"))
    original = cache.compiled

    def record(source: str, mode: str = "exec") -> CodeType:
        seen.append(source)
        return original(source, mode)

    cache.compiled = record  # type: ignore[method-assign]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dataclasses, "exec", cache.exec, raising=False)

        @dataclasses.dataclass(frozen=True, slots=True)
        class Frozen:
            a: int
            b: str = "x"
            c: list[int] = dataclasses.field(default_factory=list)

        @dataclasses.dataclass(order=True, kw_only=True)
        class Ordered:
            name: str
            score: float = 0.0

        assert Frozen(1) == Frozen(1, "x", [])
        assert Ordered(name="a") < Ordered(name="b")
        with pytest.raises(dataclasses.FrozenInstanceError):
            Frozen(1).a = 2  # type: ignore[misc]
    return seen


def test_the_code_is_the_code_compile_makes(tmp_path: Path) -> None:
    sources = dataclass_sources()
    assert len(sources) >= 8
    path = tmp_path / "cache.marshal"
    first = CodeCache(path)
    made = [first.compiled(source) for source in sources]
    expected = [compile(source, "<string>", "exec", dont_inherit=True) for source in sources]
    assert made == expected
    first.save()
    second = CodeCache(path)
    assert [second.compiled(source) for source in sources] == expected
    assert second.made == {} and len(second.used) == len(set(sources))


def test_a_file_that_is_not_a_sound_cache_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "cache.marshal"
    write_entries(path, {b"k" * 16: marshal.dumps(compile("x = 1", "<string>", "exec"))})
    assert len(read_entries(path)) == 1
    os.chmod(path, 0o620)  # writable by the group
    assert read_entries(path) == {}
    os.chmod(path, 0o600)
    for garbage in (b"", b"not marshal", marshal.dumps([1, 2]), marshal.dumps({"k": 1})):
        path.write_bytes(garbage)
        assert read_entries(path) == {}
    assert read_entries(tmp_path / "missing") == {}
    # An entry that is not code is compiled again, never executed.
    write_entries(path, {codecache._digest("y = 2"): marshal.dumps("y = 3")})
    expected = compile("y = 2", "<string>", "exec", dont_inherit=True)
    assert CodeCache(path).compiled("y = 2") == expected


def test_named_tuples_too(tmp_path: Path) -> None:
    import collections

    cache = CodeCache(tmp_path / "cache.marshal")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(collections, "eval", cache.eval, raising=False)
        Point = collections.namedtuple("Point", ["x", "y"], defaults=[0])
    assert Point(1) == (1, 0) and Point(x=2, y=3).y == 3
    source = "lambda _cls, x, y: _tuple_new(_cls, (x, y))"  # what namedtuple evaluates
    assert cache.compiled(source, "eval") == compile(source, "<string>", "eval", dont_inherit=True)
    assert len(cache.made) == 1  # made once: the second ask was a hit


def test_turned_off_by_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(codecache.DISABLE, "0")
    assert codecache.use_code_cache(tmp_path) is None
    assert not hasattr(dataclasses, "exec")


def test_the_command_fills_the_file_then_reads_it(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop(codecache.DISABLE, None)
    command = [sys.executable, "-m", "annotator", "--help"]  # the CLI and the store load
    subprocess.run(command, env=env, check=True, capture_output=True)
    path = cache_file(tmp_path / "cache" / "annotator")
    entries = read_entries(path)
    assert len(entries) > 50  # the project's classes and its libraries'
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    before = path.stat().st_mtime_ns
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert path.stat().st_mtime_ns == before  # nothing compiled anew: nothing written
