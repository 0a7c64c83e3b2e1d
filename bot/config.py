"""Typed settings from the environment and `.env` (pydantic-settings); bad values fail fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import StudyBotError

DISCORD_API_BASE = "https://discord.com/api/v10"


class SettingsError(StudyBotError):
    """A setting has a value the bot cannot use."""


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    discord_token: SecretStr | None = None
    decks_path: Path = Path("data/decks")
    database_path: Path = Path("data/study_bot.db")
    dev_guild_id: Annotated[int, Field(gt=0)] | None = None
    discord_api_base: str = DISCORD_API_BASE
    discord_gateway_url: str | None = None
    shard_count: Annotated[int, Field(ge=1, le=1000)] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    default_seconds: Annotated[int, Field(ge=5, le=120)] = 20
    default_questions: Annotated[int, Field(ge=1, le=50)] = 10
    hints: bool = True

    @property
    def cache_path(self) -> Path:
        """Where checked decks and their search index are saved between starts: a folder
        next to the database."""
        return self.database_path.parent / "cache"

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("dev_guild_id", "shard_count", "discord_gateway_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("discord_api_base", "discord_gateway_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("must be a URL starting with http(s):// or ws(s)://")
        return value.rstrip("/") if value else value


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's errors into one message a teacher can act on."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            lines.append(f"  - {name}={err.get('input')!r}: {err['msg']}")
        raise SettingsError(
            "Some settings are not valid (from the environment or .env):\n"
            + "\n".join(lines)
            + "\nFix them (see .env.example for what each one means) and start again."
        ) from None
