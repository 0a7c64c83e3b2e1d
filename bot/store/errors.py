"""Errors raised by the store, worded so a teacher reading a log or a reply can act on them."""

from __future__ import annotations

from bot.errors import StudyBotError


class StoreError(StudyBotError):
    """Base class for every error the store raises on purpose."""


class NotADatabaseError(StoreError):
    """The file exists but is not a SQLite database the bot can use."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the bot."""


class MigrationError(StoreError):
    """Upgrading the database schema failed; that step was rolled back."""


class UnknownRoundError(StoreError):
    """A round id that is not in the database."""


class UnknownQuestionError(StoreError):
    """A question id that is not in the database."""


class BackupError(StoreError):
    """A backup could not be written."""


class InvalidValueError(StoreError, ValueError):
    """A value the store refuses to save (e.g. a non-positive number of seconds)."""
