"""The real bot as a separate process (`python run_bot.py`) against a loopback Discord here.

The fake is started with ``point_client=False``: the bot in the other process is pointed at
it through DISCORD_API_BASE and DISCORD_GATEWAY_URL, exactly as a deployment behind a proxy
would be, and several fakes (and bots) can run at once. The database is read directly with
sqlite3, as an administrator would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.fakediscord import FakeDiscord
from tests.fakediscord.gateway import IDENTIFY

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """Starts, kills and stops `python run_bot.py`; its log goes to ``log_path``."""

    def __init__(self, fake: FakeDiscord, database: Path, log_path: Path) -> None:
        self.fake = fake
        self.database = database
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DISCORD_TOKEN": "fake-token",
            "DISCORD_API_BASE": self.fake.rest_base,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            "DATABASE_PATH": str(self.database),
            "DECKS_PATH": "data/decks",
            "LOG_LEVEL": "INFO",
            "DEV_GUILD_ID": str(self.fake.guild.id),
            "SHARD_COUNT": "",
            "PYTHONUNBUFFERED": "1",
        }

    async def start(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Start the bot; return once it has identified on the gateway (after syncing the
        commands to DEV_GUILD_ID and closing the rounds a crash left open)."""
        assert self.proc is None or self.proc.returncode is not None, "already running"
        identified = len(self.fake.gateway.received(IDENTIFY))
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "run_bot.py",
                cwd=ROOT, env=self.env(), stdin=asyncio.subprocess.DEVNULL,
                stdout=log, stderr=log,
            )  # fmt: skip
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.fake.gateway.received(IDENTIFY)) <= identified or not session_ready(
            self.fake
        ):
            if self.proc.returncode is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}:\n{self.log()}")
            if loop.time() > deadline:
                raise TimeoutError(f"the bot did not identify in {timeout}s:\n{self.log()}")
            await asyncio.sleep(0.01)

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, like a power cut or the OOM killer."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()

    async def terminate(self, timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """SIGTERM (what systemd and docker send) and the exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError(f"the bot ignored SIGTERM for {timeout}s:\n{self.log()}") from None

    async def ensure_stopped(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    def log(self, last: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-last:])


def session_ready(fake: FakeDiscord) -> bool:
    """The newest gateway session got its GUILD_CREATE (sent right after READY): events
    dispatched from now on reach a client that knows the server."""
    frames = fake.gateway.frames
    identify = max((f.seq for f in frames if f.direction == "recv" and f.op == IDENTIFY), default=0)
    return any(f.t == "GUILD_CREATE" and f.seq > identify for f in frames)


# -- the database, read as an administrator would ------------------------------------------


@contextmanager
def database(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=10)) as db:
        yield db


def integrity(path: Path) -> str:
    with database(path) as db:
        return "\n".join(str(row[0]) for row in db.execute("PRAGMA integrity_check"))


@dataclass(frozen=True)
class RoundState:
    id: int
    ended: bool
    end_reason: str | None
    open_questions: int


def round_state(path: Path, round_id: int) -> RoundState:
    with database(path) as db:
        ended_at, reason = db.execute(
            "SELECT ended_at, end_reason FROM rounds WHERE id = ?", (round_id,)
        ).fetchone()
        (open_questions,) = db.execute(
            "SELECT count(*) FROM questions WHERE round_id = ? AND closed_at IS NULL", (round_id,)
        ).fetchone()
    return RoundState(round_id, ended_at is not None, reason, open_questions)


def open_rounds(path: Path) -> list[int]:
    with database(path) as db:
        return [r for (r,) in db.execute("SELECT id FROM rounds WHERE ended_at IS NULL")]


def latest_round(path: Path) -> int:
    with database(path) as db:
        (round_id,) = db.execute("SELECT max(id) FROM rounds").fetchone()
    assert round_id is not None, "no round in the database"
    return int(round_id)


@dataclass(frozen=True)
class AnswerRow:
    round_id: int
    position: int
    name: str
    attempt: str
    correct: bool
    points: int
    answered_ms: int  # when it was judged (Unix milliseconds)


def answer_rows(path: Path) -> list[AnswerRow]:
    with database(path) as db:
        rows = db.execute(
            "SELECT a.round_id, q.position, a.user_name, a.attempt, a.correct, a.points, "
            "a.answered_at "
            "FROM answers AS a JOIN questions AS q ON q.id = a.question_id "
            "ORDER BY a.answered_at, a.seq"
        ).fetchall()
    return [AnswerRow(r, p, n, a, bool(c), pts, at) for r, p, n, a, c, pts, at in rows]


def points_by_member(path: Path) -> Counter[str]:
    """Every point in the database, by member name (members with points only)."""
    totals: Counter[str] = Counter()
    for row in answer_rows(path):
        totals[row.name] += row.points
    return +totals
