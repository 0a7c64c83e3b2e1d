"""The Discord client: built in `main()` from injected services, cogs loaded in `setup_hook`.

Follows discord.py's examples/advanced_startup.py: no module-level bot, resources made in
`main()` and passed in, commands synced to DEV_GUILD_ID only (global sync is `study-bot
sync`, on demand).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot.cli import decks_path, load_knowledge
from bot.config import Settings
from bot.guild_decks import GuildDecks
from bot.quiz import Clock, QuizEngine, RealClock
from bot.services import Services, settle_heap
from bot.store import Store
from cogs.components import FactButton, QuizOptionButton
from cogs.transport import DiscordTransport

log = logging.getLogger("study_bot")
EXTENSIONS = ("cogs.errors", "cogs.ask", "cogs.quiz", "cogs.scores", "cogs.admin")
NO_MESSAGE_CONTENT = (
    "The Message Content intent is not enabled for this bot, so typed quiz answers cannot be "
    "read. Enable it in the Discord developer portal (your application -> Bot -> Privileged "
    "Gateway Intents -> Message Content Intent) and restart. Until then only mode:buttons "
    "rounds work."
)


def intents(message_content: bool = True) -> discord.Intents:
    wanted = discord.Intents.default()
    wanted.message_content = message_content  # privileged: typed answers are plain messages
    return wanted


class _StudyBotMixin:
    """What the sharded and the plain bot share: services, cogs, engine, clean shutdown."""

    services: Services
    engine: QuizEngine
    reads_messages: bool
    _recovered: bool

    def _init_study(self, services: Services, reads_messages: bool) -> None:
        self.services = services
        self.reads_messages = reads_messages
        self._recovered = False

    async def setup_hook(self) -> None:
        bot: Any = self
        self.engine = QuizEngine(
            self.services.knowledge,
            self.services.store,
            DiscordTransport(bot),
            self.services.clock,
        )
        bot.add_dynamic_items(QuizOptionButton, FactButton)
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        dev_guild = self.services.settings.dev_guild_id
        if dev_guild:
            guild = discord.Object(dev_guild)
            bot.tree.copy_global_to(guild=guild)
            await bot.tree.sync(guild=guild)
            log.info("slash commands synced to the dev server %s", dev_guild)
        if not self.reads_messages:
            log.warning(NO_MESSAGE_CONTENT)

    async def connect(self, *, reconnect: bool = True) -> None:
        # Close the rounds a crash left open before the gateway delivers anything: once it
        # does, /quiz start may open a new round (even before on_ready, which waits for
        # every server), and recovering after that would end the new round as well.
        # connect() runs once per start (discord.py reconnects inside it), and `sync`
        # only logs in, so it never touches the rounds of a bot that is running.
        if not self._recovered:
            self._recovered = True
            await self.engine.recover()
        await super().connect(reconnect=reconnect)  # type: ignore[misc]

    async def on_ready(self) -> None:
        bot: Any = self
        log.info("logged in as %s in %d servers", bot.user, len(bot.guilds))

    async def close(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            await engine.shutdown()  # running rounds end with a message, points committed
        await super().close()  # type: ignore[misc]


def _client_options(reads_messages: bool) -> dict[str, Any]:
    """What every study bot client is built with: intents, no pings, no text commands."""
    return {
        "command_prefix": commands.when_mentioned,
        "intents": intents(reads_messages),
        "allowed_mentions": discord.AllowedMentions.none(),
        "help_command": None,
        # on_ready only logs; nothing waits for it, so there is no need for discord.py's 2 s.
        "guild_ready_timeout": 0.5,
    }


class StudyBot(_StudyBotMixin, commands.Bot):
    def __init__(self, services: Services, *, reads_messages: bool = True, **kwargs: Any) -> None:
        super().__init__(**{**_client_options(reads_messages), **kwargs})
        self._init_study(services, reads_messages)


class ShardedStudyBot(_StudyBotMixin, commands.AutoShardedBot):
    def __init__(self, services: Services, *, reads_messages: bool = True, **kwargs: Any) -> None:
        shards = services.settings.shard_count
        super().__init__(**{**_client_options(reads_messages), "shard_count": shards, **kwargs})
        self._init_study(services, reads_messages)


def make_bot(
    services: Services, *, reads_messages: bool = True, **kwargs: Any
) -> StudyBot | ShardedStudyBot:
    if services.settings.shard_count:
        return ShardedStudyBot(services, reads_messages=reads_messages, **kwargs)
    return StudyBot(services, reads_messages=reads_messages, **kwargs)


def point_at(settings: Settings) -> None:
    """Send REST and gateway traffic where the settings say (proxies, the loopback tests)."""
    discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


async def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    knowledge = load_knowledge(settings.decks_path, settings.cache_path)
    store = await Store.open(settings.database_path)
    decks = GuildDecks(knowledge, store)
    loaded = await decks.load_all()
    log.info("loaded %d facts; %d server decks", len(knowledge.index), loaded)
    return Services(settings, knowledge, store, decks, clock or RealClock())


_closing: set[asyncio.Task[None]] = set()


def _closer(bot: StudyBot | ShardedStudyBot) -> Callable[[], None]:
    def close() -> None:
        log.info("shutting down: ending running rounds")
        task = asyncio.ensure_future(bot.close())
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    return close


async def main(settings: Settings) -> int:
    """Connect to Discord and run until stopped (SIGINT or SIGTERM end rounds cleanly)."""
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    services = await build_services(settings)
    settle_heap()
    try:
        reads_messages = True
        while True:
            bot = make_bot(services, reads_messages=reads_messages)
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, _closer(bot))
            try:
                async with bot:
                    await bot.start(token)
                return 0
            except discord.PrivilegedIntentsRequired:
                if not reads_messages:
                    raise
                log.error(NO_MESSAGE_CONTENT)
                reads_messages = False
            except discord.LoginFailure:
                log.error(
                    "Discord refused the token. Copy it again from the developer portal "
                    "(your application -> Bot -> Reset Token) into DISCORD_TOKEN in .env."
                )
                return 1
    finally:
        await services.store.close()


async def sync_globally(settings: Settings) -> int:
    """Publish the slash commands to every server (takes up to an hour to show)."""
    assert settings.discord_token is not None
    services = await build_services(settings)
    try:
        bot = make_bot(services)
        async with bot:
            await bot.login(settings.discord_token.get_secret_value())  # runs setup_hook
            synced = await bot.tree.sync()
        print(f"Synced {len(synced)} commands globally: {', '.join(c.name for c in synced)}")
        return 0
    finally:
        await services.store.close()


def run_discord(args: argparse.Namespace, settings: Settings) -> int:
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
    # `study-bot` with no command has no --decks option (only the subcommands do).
    settings = settings.model_copy(update={"decks_path": decks_path(args, settings)})
    if settings.discord_token is None:
        print("Set DISCORD_TOKEN in .env first (see README, 'Connecting to Discord').")
        return 2
    point_at(settings)
    if args.command == "sync":
        return asyncio.run(sync_globally(settings))
    return asyncio.run(main(settings))
