"""The `study-bot` command line: everything that does not need Discord.

`run_bot.py` parses with `build_parser()`, handles the Discord commands (`run` with a token,
`sync`) itself, and passes everything else to `run_command()`. Nothing here imports
discord.py, so `study-bot ask` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.deck import LoadedDeck, iter_deck_results, load_decks
from bot.deck_cache import DeckCache
from bot.errors import DeckError, StudyBotError
from bot.index_cache import IndexCache
from bot.judge import judge
from bot.knowledge import Answer, Knowledge, answer_text
from bot.limits import MAX_INPUT_CHARS

CONNECT_HINT = (
    "No DISCORD_TOKEN is set, so this is the local console. To connect to Discord, put "
    "DISCORD_TOKEN=... in .env (see README, 'Connecting to Discord') and run `make run` again."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="study-bot",
        description="A study bot for class Discord servers: answers questions about the "
        "reading, runs quiz rounds, keeps a leaderboard.",
    )
    decks_help = "a deck file or a folder of decks (default: DECKS_PATH or data/decks/)"
    parser.add_argument("--decks", type=Path, default=None, help=decks_help)
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's --decks must not reset one given before the subcommand.
    common.add_argument("--decks", type=Path, default=argparse.SUPPRESS, help=decks_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", parents=[common], help="start the bot (the console when no token is set)")
    sub.add_parser("console", parents=[common], help="a local chat with the bot in this terminal")
    ask = sub.add_parser(
        "ask", parents=[common], help="answer one question (or many with --json -)"
    )
    ask.add_argument("question", nargs="*", help='the question, or "-" to read lines from stdin')
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    jd = sub.add_parser("judge", parents=[common], help="judge quiz answers given as JSON lines")
    jd.add_argument("source", nargs="?", default="-", help='"-" for standard input')
    jd.add_argument("--json", action="store_true", help="JSON lines in and out (the only format)")
    check = sub.add_parser("check-deck", parents=[common], help="validate deck files")
    check.add_argument("paths", nargs="+", type=Path)
    sub.add_parser("sync", parents=[common], help="publish the slash commands to Discord (global)")
    backup = sub.add_parser("backup", parents=[common], help="copy the database safely, even live")
    backup.add_argument("dest", type=Path)
    restore = sub.add_parser(
        "restore", parents=[common], help="put a backup in place of the database (bot stopped)"
    )
    restore.add_argument("backup", type=Path)
    return parser


def decks_path(args: argparse.Namespace, settings: Settings) -> Path:
    return args.decks if getattr(args, "decks", None) is not None else settings.decks_path


def load_knowledge(path: Path, cache: Path | None = None) -> Knowledge:
    """The decks at `path`, checked and indexed. With a `cache` folder, what was checked and
    built from the same files before is reused, and what is saved there is kept up to date."""
    if cache is None:
        return Knowledge([d.deck for d in load_decks([path])])
    decks = DeckCache(cache)
    knowledge = Knowledge([d.deck for d in load_decks([path], saved=decks)], IndexCache(cache))
    decks.forget_unused()
    return knowledge


# -- ask -------------------------------------------------------------------------------------


def answer_json(answer: Answer) -> dict[str, object]:
    entry = answer.entry
    return {
        "question": answer.question,
        "matched": entry is not None,
        "answer": entry.fact.answer if entry else None,
        "text": answer_text(entry) if entry else None,
        "fact_id": entry.fact.id if entry else None,
        "deck": entry.deck if entry else None,
        "score": round(answer.best.score, 4) if answer.best else None,
        "suggestions": [
            {"fact_id": m.entry.fact.id, "question": m.entry.fact.question}
            for m in answer.suggestions
        ],
    }


def answer_human(answer: Answer) -> str:
    entry = answer.entry
    if entry is None:
        lines = ["Not in my notes — I can't answer that from the reading."]
        if answer.suggestions:
            lines.append("Did you mean:")
            lines += [f"  - {m.entry.fact.question}" for m in answer.suggestions]
        return "\n".join(lines)
    fact = entry.fact
    lines = [f"{fact.answer}", f"  {fact.explanation}", f"  Source: {fact.source}"]
    if answer.suggestions:
        lines.append(
            "  Or did you mean: " + " | ".join(m.entry.fact.question for m in answer.suggestions)
        )
    return "\n".join(lines)


def _lines(stream: TextIO) -> Iterable[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def cmd_ask(args: argparse.Namespace, knowledge: Knowledge, out: TextIO, inp: TextIO) -> int:
    if args.question in ([], ["-"]):
        if not args.json and inp.isatty():
            out.write('Give a question: study-bot ask "when did the war start"\n')
            return 2
        questions: Iterable[str] = _lines(inp)
    else:
        questions = [" ".join(args.question)]
    for question in questions:
        answer = knowledge.ask(question[:MAX_INPUT_CHARS])
        answer = Answer(question, answer.best, answer.suggestions)
        if args.json:
            out.write(json.dumps(answer_json(answer), ensure_ascii=False) + "\n")
        else:
            out.write(answer_human(answer) + "\n")
        out.flush()
    return 0


# -- judge -----------------------------------------------------------------------------------


def cmd_judge(args: argparse.Namespace, out: TextIO, inp: TextIO) -> int:
    for line in _lines(inp):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            attempt, answers = row["attempt"], row["answers"]
            if not isinstance(attempt, str) or not isinstance(answers, list):
                raise TypeError
            verdict = judge(attempt, [str(a) for a in answers])
            result: dict[str, object] = {
                "accepted": verdict.accepted,
                "near_miss": verdict.near_miss,
                "matched": verdict.matched,
            }
        except (ValueError, KeyError, TypeError):
            result = {
                "accepted": False,
                "error": 'each line must be a JSON object {"attempt": "...", "answers": ["..."]}',
            }
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 0


# -- check-deck ------------------------------------------------------------------------------


def cmd_check_deck(paths: Sequence[Path], out: TextIO, err: TextIO) -> int:
    bad = 0
    for result in iter_deck_results(paths):
        if isinstance(result, DeckError):
            bad += 1
            err.write(str(result) + "\n")
        else:
            out.write(_deck_summary(result) + "\n")
    if bad:
        err.write(f"{bad} deck file(s) have problems; fix them and run check-deck again.\n")
        return 1
    return 0


def _deck_summary(loaded: LoadedDeck) -> str:
    deck = loaded.deck
    topics = ", ".join(f"{t} {n}" for t, n in sorted(deck.topics().items()))
    return (
        f'{loaded.path}: OK — deck "{deck.name}" ({deck.title}), {len(deck.facts)} facts\n'
        f"  facts per topic: {topics}"
    )


# -- backup ----------------------------------------------------------------------------------


async def backup_database(source: Path, dest: Path, out: TextIO) -> int:
    """Copy the live database with SQLite's online backup API (safe while the bot runs)."""
    from bot.store import Store

    async with await Store.open(source) as store:
        written = await store.backup(dest)
        check = await store.integrity_check()
    out.write(f"Backed up {source} to {written} (integrity: {check}).\n")
    out.write(f"To restore: stop the bot, run `study-bot restore {written}`, start the bot.\n")
    return 0


def cmd_restore(backup: Path, target: Path, out: TextIO) -> int:
    from bot.store.maintenance import restore

    check = restore(backup, target)
    out.write(f"Restored {target} from {backup} (integrity: {check}). Start the bot again.\n")
    return 0


# -- dispatch --------------------------------------------------------------------------------


def run_command(
    args: argparse.Namespace,
    settings: Settings,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    inp: TextIO = sys.stdin,
) -> int:
    """Run a command that needs no Discord connection; return the exit code."""
    try:
        if args.command == "judge":
            return cmd_judge(args, out, inp)
        if args.command == "check-deck":
            return cmd_check_deck(args.paths, out, err)
        if args.command == "restore":
            return cmd_restore(args.backup, settings.database_path, out)
        if args.command == "backup":
            if not settings.database_path.exists():
                raise StudyBotError(
                    f"There is no database at {settings.database_path} yet (check DATABASE_PATH)."
                )
            import asyncio  # here, not at the top: `ask` and `judge` must start fast

            return asyncio.run(backup_database(settings.database_path, args.dest, out))
        knowledge = load_knowledge(decks_path(args, settings))
        if args.command == "ask":
            return cmd_ask(args, knowledge, out, inp)
        from bot.console import run_console

        if args.command in (None, "run"):
            out.write(CONNECT_HINT + "\n")
        import asyncio

        return asyncio.run(run_console(knowledge, settings, inp, out))
    except StudyBotError as exc:
        err.write(f"{exc}\n")
        return 1
