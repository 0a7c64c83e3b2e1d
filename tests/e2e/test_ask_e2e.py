"""/ask and /fact through the real discord.py client and the loopback Discord."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Study

pytestmark = pytest.mark.e2e


async def test_ask_answers_with_an_embed(study: Study) -> None:
    ix = await study.fake.slash("ask", {"question": "when did the korean war start"}, user="alice")
    reply = await ix.response()
    assert not reply.ephemeral
    embed = reply.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Answer"] == "June 25, 1950"
    assert "38th parallel" in fields["Why"]
    assert embed["footer"]["text"].startswith("Source: Introduction, paragraph 1")


async def test_ask_without_an_answer_is_private_with_did_you_mean(study: Study) -> None:
    ix = await study.fake.slash("ask", {"question": "what is the capital of france"})
    reply = await ix.response()
    assert reply.ephemeral and "Not in my notes" in reply.content
    vague = await (await study.fake.slash("ask", {"question": "photo"})).response()
    if vague.ephemeral:  # not confident: offers up to three facts as buttons
        assert vague.message is not None
        ids = vague.message.custom_ids()
        assert 1 <= len(ids) <= 3 and all(i.startswith("fact:") for i in ids)
        click = await study.fake.click(vague.message, ids[0], user="alice")
        card = await click.response()
        assert card.ephemeral and card.embeds[0]["fields"][0]["name"] == "Answer"


async def test_fact_autocomplete_and_card(study: Study) -> None:
    ix = await study.fake.autocomplete("fact", "name", "who took")
    choices = (await ix.response()).choices
    assert 1 <= len(choices) <= 25
    assert choices[0]["name"].startswith("Who took the photo")
    card = await (await study.fake.slash("fact", {"name": choices[0]["value"]})).response()
    assert {f["name"]: f["value"] for f in card.embeds[0]["fields"]}["Answer"] == "Ahn Young-joon"
    empty = await (await study.fake.autocomplete("fact", "name", "")).response()
    assert len(empty.choices) == 25
