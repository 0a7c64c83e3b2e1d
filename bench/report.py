"""The results table: one row per measurement, printed and saved as JSON with the machine's
description, so that a number can always be traced to where and how it was measured."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
LIBRARIES = ("rapidfuzz", "numpy", "discord.py", "aiosqlite", "pydantic", "PyYAML", "aiohttp")

Status = Literal["pass", "FAIL", "info", "ERROR"]


@dataclass(frozen=True)
class Bar:
    """What a measurement must reach: `measured op value`."""

    op: Literal["<=", ">="]
    value: float
    unit: str

    def holds(self, measured: float) -> bool:
        if math.isnan(measured):
            return False
        return measured <= self.value if self.op == "<=" else measured >= self.value

    def text(self) -> str:
        sign = "≤" if self.op == "<=" else "≥"
        return f"{sign} {self.value:,g}{self.unit}"


@dataclass(frozen=True)
class Row:
    """One measurement. `measured` is the number compared with the bar; `shown` says it
    (and its context) for people; `details` go to the JSON only."""

    area: str
    benchmark: str
    measured: float
    shown: str
    bar: Bar | None = None
    baseline: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def status(self) -> Status:
        if self.error is not None:
            return "ERROR"
        if self.bar is None:
            return "info"
        return "pass" if self.bar.holds(self.measured) else "FAIL"


def error_row(area: str, message: str) -> Row:
    """A benchmark that crashed: the suite goes on and the table says so."""
    return Row(area, f"{area} (crashed)", math.nan, "-", error=message)


def machine() -> dict[str, Any]:
    """Where the numbers were measured."""
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "versions": versions,
        "git": _git_revision(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _git_revision() -> dict[str, Any]:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "changed_files": None}
    return {"commit": head, "changed_files": len(dirty)}


def table(rows: list[Row]) -> str:
    """The rows as a plain-text table: benchmark | measured | bar | pass/fail | baseline."""
    header = ("benchmark", "measured", "bar", "pass/fail", "baseline/ratio")
    lines = [
        (r.benchmark, r.shown, r.bar.text() if r.bar else "-", r.status, r.baseline or "-")
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(cells) for cells in lines)])


def summary(rows: list[Row]) -> dict[str, int]:
    counts = {"pass": 0, "FAIL": 0, "info": 0, "ERROR": 0}
    for r in rows:
        counts[r.status] += 1
    return counts


def document(rows: list[Row], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": meta,
        "summary": summary(rows),
        "rows": [
            {
                **asdict(r),
                "measured": None if math.isnan(r.measured) else r.measured,
                "bar": None if r.bar is None else {**asdict(r.bar), "text": r.bar.text()},
                "status": r.status,
            }
            for r in rows
        ],
    }


def save(doc: dict[str, Any], path: Path = RESULTS) -> None:
    """Write the JSON atomically (a crash never leaves half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    tmp.replace(path)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
