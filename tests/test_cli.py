"""The command line as a process: JSON shapes for ask and judge, settings errors, fast paths."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DISCORD_TOKEN": ""}


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run_bot.py", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**ENV, **(env or {})},
    )


def test_ask_json_one_object_per_line_in_order() -> None:
    questions = ["when did the korean war start", "what is the capital of france", "", "photo"]
    proc = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    keys = {"question", "matched", "answer", "text", "fact_id", "score", "suggestions"}
    assert all(keys <= set(r) for r in rows)
    hit, miss = rows[0], rows[1]
    assert hit["matched"] and hit["answer"] == "June 25, 1950" and hit["fact_id"] == "war-begins"
    assert hit["text"].startswith("June 25, 1950") and "Source" not in hit["text"]
    assert 0 < hit["score"] <= 1.5
    assert not miss["matched"] and miss["answer"] is None and miss["text"] is None
    assert miss["fact_id"] is None and miss["score"] is None
    assert not rows[2]["matched"]
    assert all(isinstance(s["fact_id"], str) for r in rows for s in r["suggestions"])


def test_ask_human_output() -> None:
    proc = run("ask", "who", "fired", "macarthur")
    assert proc.returncode == 0
    assert proc.stdout.startswith("Harry Truman") and "Source:" in proc.stdout
    assert "Not in my notes" in run("ask", "what is the capital of france").stdout


def test_judge_json() -> None:
    lines = [
        {"attempt": "McArthur", "answers": ["Douglas MacArthur"]},
        {"attempt": "39th parallel", "answers": ["38th parallel"]},
        {"attempt": "Trumann", "answers": ["Harry Truman"]},
    ]
    text = "\n".join(json.dumps(x) for x in lines) + "\nnot json\n\n" + '{"attempt": 5}\n'
    proc = run("judge", "--json", "-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["accepted"] for r in rows] == [True, False, True, False, False]
    assert "error" in rows[3] and "error" in rows[4]  # a bad line says so and changes nothing


def test_decks_option_points_at_another_deck() -> None:
    mini = ROOT / "tests" / "data" / "good_decks" / "mini.yaml"
    proc = run("ask", "--json", "-", "--decks", str(mini), stdin="when did the korean war start\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["deck"] == "mini"  # the shipped deck is not loaded


def test_a_bad_setting_stops_with_a_clear_message() -> None:
    proc = run("ask", "x", env={"DEFAULT_SECONDS": "lots"})
    assert proc.returncode == 2
    assert "DEFAULT_SECONDS='lots'" in proc.stderr and ".env.example" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_deck_folder_is_reported() -> None:
    proc = run("ask", "x", "--decks", "no/such/place.yaml")
    assert proc.returncode == 1
    assert "no/such/place.yaml" in proc.stderr and "no such file" in proc.stderr


def test_ask_and_judge_never_import_discord() -> None:
    code = (
        "import sys, run_bot; run_bot.main(['ask', 'when did the war start']);"
        "assert 'discord' not in sys.modules, 'discord imported'"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=ENV, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def test_settings_read_env_and_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("DEV_GUILD_ID", "")
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    settings = load_settings(_env_file=None)
    assert settings.log_level == "DEBUG" and settings.dev_guild_id is None
    assert settings.discord_token is None
    monkeypatch.setenv("SHARD_COUNT", "0")
    with pytest.raises(SettingsError, match="SHARD_COUNT"):
        load_settings(_env_file=None)


def test_the_token_is_never_shown_by_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "very-secret-token")
    settings = load_settings(_env_file=None)
    assert "very-secret-token" not in repr(settings) and "very-secret-token" not in str(settings)


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert documented == {name.upper() for name in Settings.model_fields}
