"""Fixtures shared across the test suite. Keep this small: put a fixture here only when
more than one test module needs it."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root (where run_bot.py is), found from this file, not hard-coded."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shipped_decks() -> Path:
    """The folder of decks the bot ships with."""
    return PROJECT_ROOT / "data" / "decks"


@pytest.fixture(scope="session")
def good_decks() -> Path:
    """Small valid decks written for tests (tests/data/good_decks)."""
    return TEST_DATA / "good_decks"


@pytest.fixture(scope="session")
def bad_decks() -> Path:
    """Malformed decks, each paired with its expected error in expected.json."""
    return TEST_DATA / "bad_decks"
