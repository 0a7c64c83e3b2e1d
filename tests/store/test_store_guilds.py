"""Guild settings and guild decks."""

from __future__ import annotations

import pytest
from store_helpers import T0

from bot.store import GuildSettings, InvalidValueError, Store, StoreError


async def test_settings_default_when_never_changed(store: Store) -> None:
    assert await store.get_settings(1) == GuildSettings(
        guild_id=1,
        teacher_role_id=None,
        default_seconds=20,
        default_questions=10,
        hints_enabled=True,
    )


async def test_update_changes_only_the_given_settings(store: Store) -> None:
    after = await store.update_settings(1, teacher_role_id=555)
    assert (after.teacher_role_id, after.default_seconds, after.hints_enabled) == (555, 20, True)
    after = await store.update_settings(1, default_seconds=45, hints_enabled=False)
    assert after == GuildSettings(1, 555, 45, 10, False)
    after = await store.update_settings(1, default_questions=3)
    assert after == GuildSettings(1, 555, 45, 3, False)
    assert await store.get_settings(1) == after
    # None is a value (no teacher role), distinct from "not given".
    after = await store.update_settings(1, teacher_role_id=None)
    assert after == GuildSettings(1, None, 45, 3, False)
    assert await store.update_settings(1) == after


async def test_settings_are_per_guild(store: Store) -> None:
    await store.update_settings(1, teacher_role_id=555, default_seconds=60)
    assert await store.get_settings(2) == GuildSettings(guild_id=2)


async def test_nonsense_settings_are_refused_readably(store: Store) -> None:
    with pytest.raises(InvalidValueError, match="seconds per question must be a whole number"):
        await store.update_settings(1, default_seconds=0)
    with pytest.raises(StoreError, match="questions per round"):
        await store.update_settings(1, default_questions=-2)
    assert await store.get_settings(1) == GuildSettings(guild_id=1)


async def test_guild_decks_crud(store: Store) -> None:
    assert await store.guild_decks(1) == []
    assert await store.count_guild_decks(1) == 0
    await store.save_guild_deck(1, "korea", "name: korea\n", 12, 7, T0)
    await store.save_guild_deck(1, "algebra", "name: algebra\n", 5, 8, T0)
    await store.save_guild_deck(2, "korea", "name: korea-2\n", 3, 9, T0)

    decks = await store.guild_decks(1)
    assert [(d.name, d.fact_count, d.added_by) for d in decks] == [
        ("algebra", 5, 8),
        ("korea", 12, 7),
    ]
    assert decks[1].yaml_text == "name: korea\n" and decks[1].added_at == T0
    assert await store.count_guild_decks(1) == 2

    # Same name replaces.
    await store.save_guild_deck(1, "korea", "name: korea v2\n", 14, 8, T0)
    korea = [d for d in await store.guild_decks(1) if d.name == "korea"]
    assert [(d.yaml_text, d.fact_count, d.added_by) for d in korea] == [("name: korea v2\n", 14, 8)]
    assert await store.count_guild_decks(1) == 2

    assert [(d.guild_id, d.name) for d in await store.all_guild_decks()] == [
        (1, "algebra"),
        (1, "korea"),
        (2, "korea"),
    ]
    assert await store.remove_guild_deck(1, "korea") is True
    assert await store.remove_guild_deck(1, "korea") is False
    assert [d.name for d in await store.guild_decks(1)] == ["algebra"]


async def test_guild_b_cannot_see_or_remove_guild_a_decks(store: Store) -> None:
    await store.save_guild_deck(1, "korea", "name: korea\n", 12, 7, T0)
    assert await store.guild_decks(2) == []
    assert await store.count_guild_decks(2) == 0
    assert await store.remove_guild_deck(2, "korea") is False
    assert await store.count_guild_decks(1) == 1
