"""Fixtures for the store tests: a real SQLite file in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from store_helpers import Ans, Play, play_round

from bot.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "study_bot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def play(store: Store) -> Play:
    """`await play(guild_id, at, [Ans(...), ...], winner_id=...)` -> round id."""

    async def _play(guild_id: int, at: datetime, answers: Sequence[Ans], **kw: Any) -> int:
        return await play_round(store, guild_id, at, answers, **kw)

    return _play
