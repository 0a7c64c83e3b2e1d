"""Every benchmark runs at a tiny size (seconds), so that none of them can rot between the
runs of `make bench`. Bars are not checked here (a busy machine is not a regression);
what is checked is that each benchmark measures something and that the properties that
are not about speed hold: no answer lost, no interaction dropped."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.__main__ import AREAS, main
from bench.report import Row
from bench.scale import TINY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny() -> Callable[[str], list[Row]]:
    """One area's rows at the tiny size, run once for the whole module."""
    done: dict[str, list[Row]] = {}

    def rows(area: str) -> list[Row]:
        if area not in done:
            done[area] = AREAS[area](TINY)
        return done[area]

    return rows


def _named(rows: list[Row], start: str) -> list[Row]:
    found = [r for r in rows if r.benchmark.startswith(start)]
    assert found, f"no row starting {start!r} in {[r.benchmark for r in rows]}"
    return found


@pytest.mark.parametrize("area", list(AREAS))
def test_each_benchmark_measures_something_at_a_tiny_size(
    area: str, tiny: Callable[[str], list[Row]]
) -> None:
    rows = tiny(area)
    assert rows
    for row in rows:
        assert row.error is None, row.error
        assert not math.isnan(row.measured), f"{row.benchmark} measured nothing"


def test_the_quiz_benchmark_finds_every_accepted_answer_in_the_database(
    tiny: Callable[[str], list[Row]],
) -> None:
    lost = _named(tiny("quiz"), "answers lost")[0]
    assert lost.measured == 0, lost.shown


def test_the_end_to_end_benchmark_gets_a_callback_for_every_interaction(
    tiny: Callable[[str], list[Row]],
) -> None:
    for row in _named(tiny("e2e"), "/ask dropped"):
        assert row.measured == 0, row.shown


def test_the_suite_prints_one_table_and_saves_it_with_the_machine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.json"
    assert main(["--scale", "tiny", "--only", "judge", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "judgments per second" in printed and "pass/fail" in printed
    saved = json.loads(out.read_text())
    meta = saved["meta"]
    assert meta["mode"] == "tiny" and meta["cpu_count"] >= 1
    assert set(meta["versions"]) >= {"rapidfuzz", "numpy", "discord.py", "aiosqlite"}
    assert saved["rows"][0]["benchmark"].startswith("judgments per second")
    assert saved["rows"][0]["status"] in ("pass", "FAIL")
