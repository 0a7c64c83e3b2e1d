"""Entry point: build settings, store and decks, inject them, start Discord or the console.

`python run_bot.py` and the `study-bot` console script are the same program.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.cli import build_parser, run_command
from bot.config import Settings, load_settings
from bot.errors import StudyBotError


def _wants_discord(command: str | None, settings: Settings) -> bool:
    return command == "sync" or (command in (None, "run") and settings.discord_token is not None)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except StudyBotError as exc:
        print(exc, file=sys.stderr)
        return 2
    if _wants_discord(args.command, settings):
        # Imported here so that the console and `ask` never pay for discord.py.
        from cogs.app import run_discord

        return run_discord(args, settings)
    return run_command(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
