"""How the bot's answers, questions and scores look in Discord: embeds built from bot/ values.

Text that people wrote (names, typed answers, deck text) is escaped so that it cannot break
the layout; mentions never ping because every message goes out with AllowedMentions.none().
"""

from __future__ import annotations

import discord

from bot.knowledge import Answer
from bot.lookup import Entry
from bot.quiz import HintRevealed, Mode, QuestionClosed, QuestionOpened, RoundEnded
from bot.quiz.events import EndReason
from bot.store import GuildSettings, LeaderboardEntry, StudentStats

BLUE = discord.Colour.blurple()
GREEN = discord.Colour.green()
GREY = discord.Colour.light_grey()
LETTERS = "ABCD"
MEDALS = ("🥇", "🥈", "🥉")


def plural(count: int, noun: str) -> str:
    """'1 question', '2 questions'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def clean(text: str, limit: int = 1000) -> str:
    """User or deck text made safe to show: no markdown tricks, no mention syntax, bounded."""
    text = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fact_embed(entry: Entry, title: str | None = None) -> discord.Embed:
    fact = entry.fact
    embed = discord.Embed(title=clean(title or fact.question, 256), colour=GREEN)
    embed.add_field(name="Answer", value=clean(fact.answer), inline=False)
    embed.add_field(name="Why", value=clean(fact.explanation), inline=False)
    embed.set_footer(text=f"Source: {fact.source} · deck {entry.deck}")
    return embed


def answer_embed(answer: Answer, asked: str | None = None) -> discord.Embed:
    """The fact that answers a question, titled with the question as typed (``asked``)."""
    assert answer.entry is not None
    return fact_embed(answer.entry, title=(asked or answer.question)[:256] or None)


def not_in_notes_text(answer: Answer) -> str:
    text = "Not in my notes — I can't answer that from the reading."
    if answer.suggestions:
        text += " Did you mean one of these?"
    return text


def question_embed(event: QuestionOpened) -> discord.Embed:
    embed = discord.Embed(
        title=f"Question {event.number}/{event.total}",
        description=clean(event.fact.question),
        colour=BLUE,
    )
    closes = f"<t:{int(event.closes_at)}:R>"
    if event.mode is Mode.BUTTONS:
        lines = [f"**{LETTERS[i]}** {clean(o, 200)}" for i, o in enumerate(event.options)]
        embed.add_field(name="Choices", value="\n".join(lines), inline=False)
        embed.add_field(name="How to answer", value=f"Click a button (one try). Closes {closes}.")
    else:
        how = f"Type your answer in this channel. Closes {closes}."
        if event.hint:
            embed.add_field(name="Hint", value=f"`{event.hint}`", inline=False)
        embed.add_field(name="How to answer", value=how, inline=False)
    return embed


def hint_text(event: HintRevealed) -> str:
    return (
        f"💡 Hint for question {event.number}: `{event.hint}` (closes <t:{int(event.closes_at)}:R>)"
    )


def reveal_embed(event: QuestionClosed) -> discord.Embed:
    fact = event.fact
    embed = discord.Embed(
        title=f"Answer to question {event.number}: {clean(fact.answer, 200)}",
        description=clean(fact.explanation),
        colour=GREEN,
    )
    if event.option_counts:
        counts = "\n".join(
            f"{'✅' if opt == fact.answer else '▫️'} {clean(opt, 200)}: {n}"
            for opt, n in event.option_counts
        )
        embed.add_field(name="Picks", value=counts, inline=False)
    scorers = ", ".join(f"{clean(p.name, 80)} +{pts}" for p, pts in event.scorers[:20])
    embed.add_field(name="Scored", value=scorers or "Nobody got this one.", inline=False)
    embed.set_footer(text=f"Source: {fact.source}")
    return embed


END_TITLES = {
    EndReason.FINISHED: "Round over!",
    EndReason.STOPPED: "Round stopped",
    EndReason.IDLE: "Round over: nobody answered two questions in a row",
}


def results_embed(event: RoundEnded) -> discord.Embed:
    embed = discord.Embed(title=END_TITLES[event.reason], colour=GREEN)
    podium = [
        f"{medal} **{clean(s.player.name, 80)}** — {s.points} points"
        for medal, s in zip(MEDALS, event.podium, strict=False)
    ]
    embed.description = "\n".join(podium) or "No points this round."
    lines = [
        f"{clean(s.player.name, 80)}: {s.points} pts, {s.correct}/{s.answered} right "
        f"({s.accuracy:.0%}), best streak {s.best_streak}"
        for s in event.scores[:25]
    ]
    if lines:
        embed.add_field(name="Everyone", value="\n".join(lines)[:1024], inline=False)
    asked = plural(event.questions_asked, "question")
    embed.set_footer(text=f"{asked} · /leaderboard for the class table")
    return embed


def leaderboard_embed(rows: list[LeaderboardEntry], period: str) -> discord.Embed:
    title = "Leaderboard — all time" if period == "all" else "Leaderboard — last 7 days"
    embed = discord.Embed(title=title, colour=BLUE)
    if not rows:
        embed.description = "No points yet. Start a round with /quiz start."
        return embed
    embed.description = "\n".join(
        f"**{i}.** {clean(r.user_name, 80)} — {r.points} pts · {plural(r.wins, 'win')} · "
        f"{r.accuracy:.0%} right · {plural(r.rounds_played, 'round')}"
        for i, r in enumerate(rows, start=1)
    )
    return embed


def stats_embed(stats: StudentStats) -> discord.Embed:
    embed = discord.Embed(title=f"Stats for {clean(stats.user_name, 80)}", colour=BLUE)
    embed.add_field(name="Points", value=str(stats.points))
    embed.add_field(
        name="Accuracy", value=f"{stats.accuracy:.0%} ({stats.correct}/{stats.answers})"
    )
    embed.add_field(name="Best streak", value=str(stats.best_streak))
    embed.add_field(name="Rounds", value=f"{stats.rounds_played} played, {stats.wins} won")
    topics = "\n".join(
        f"{clean(t.topic, 60)}: {t.accuracy:.0%} ({t.correct}/{t.answers})"
        for t in stats.topics[:15]
    )
    if topics:
        embed.add_field(name="By topic", value=topics, inline=False)
    if stats.weakest:
        embed.add_field(
            name="Worth practising", value=", ".join(clean(t.topic, 60) for t in stats.weakest)
        )
    return embed


def settings_embed(settings: GuildSettings, role_name: str | None) -> discord.Embed:
    embed = discord.Embed(title="Study bot settings for this server", colour=BLUE)
    embed.add_field(
        name="Teacher role", value=clean(role_name) if role_name else "(Manage Server only)"
    )
    embed.add_field(name="Seconds per question", value=str(settings.default_seconds))
    embed.add_field(name="Questions per round", value=str(settings.default_questions))
    embed.add_field(name="Hints", value="on" if settings.hints_enabled else "off")
    return embed
