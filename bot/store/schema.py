"""The SQL of each schema migration (applied by migrations.py).

Times are INTEGER milliseconds since the Unix epoch, UTC (see times.py).
"""

from __future__ import annotations

from typing import Final

# Version 1: the core tables.
V1_CORE: Final = """
CREATE TABLE rounds (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    started_by     INTEGER NOT NULL,
    deck           TEXT    NOT NULL,
    topic          TEXT,
    mode           TEXT    NOT NULL,
    question_count INTEGER NOT NULL,
    seconds        INTEGER NOT NULL,
    started_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    end_reason     TEXT CHECK (end_reason IN ('finished', 'stopped', 'idle', 'crashed')),
    winner_id      INTEGER,
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);

CREATE TABLE questions (
    id        INTEGER PRIMARY KEY,
    round_id  INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    fact_id   TEXT    NOT NULL,
    topic     TEXT    NOT NULL,
    opened_at INTEGER NOT NULL,
    closed_at INTEGER,
    UNIQUE (round_id, position)
);

-- guild_id, round_id and topic are copied from the question so reports never join.
CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    user_name   TEXT    NOT NULL,
    answered_at INTEGER NOT NULL,
    attempt     TEXT    NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL,
    response_ms INTEGER NOT NULL,
    streak      INTEGER NOT NULL,
    topic       TEXT    NOT NULL
);

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    teacher_role_id   INTEGER,
    default_seconds   INTEGER NOT NULL DEFAULT 20 CHECK (default_seconds > 0),
    default_questions INTEGER NOT NULL DEFAULT 10 CHECK (default_questions > 0),
    hints_enabled     INTEGER NOT NULL DEFAULT 1 CHECK (hints_enabled IN (0, 1))
);
"""


# Version 2: guild decks, and rollups kept by triggers so that no report reads answers
# in bulk, whatever their number:
#   player_totals  all-time totals per (guild, student): the all-time leaderboard
#   player_topics  per (guild, student, topic): student stats
#   round_players  per (round, student): round results, "rounds played" in a window
#   player_spans   per (guild, student, block of hours), blocks listed in span_kinds:
#                  blocks of 1, 2, 4 and 8 hours aligned to their size, and 6-day
#                  blocks starting at every midnight (UTC). A week is one 6-day block
#                  plus a few aligned ones (see times.plan_window) and at most two
#                  partial hours, read from answers for the students active in them.
# answers is rebuilt clustered by (guild, student, time): a student's answers sit
# together, so forget() rewrites few pages and partial hours are cheap to read.
# Rows are only ever deleted by forget(), which deletes the rollups itself; there are
# deliberately no delete triggers.
#
# A round counts towards "rounds played" at the student's first recorded answer in it
# (round_players.first_at), and towards "wins" when it ends (rounds.ended_at).
# seq numbers one student's answers recorded in the same millisecond (normally 0).
V2_DECKS_AND_ROLLUPS: Final = """
CREATE TABLE guild_decks (
    guild_id   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    yaml_text  TEXT    NOT NULL,
    fact_count INTEGER NOT NULL,
    added_by   INTEGER NOT NULL,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, name)
) WITHOUT ROWID;
CREATE INDEX guild_decks_added_by ON guild_decks (added_by);

CREATE INDEX rounds_guild_ended ON rounds (guild_id, ended_at, winner_id);
CREATE INDEX rounds_winner ON rounds (winner_id) WHERE winner_id IS NOT NULL;
CREATE INDEX rounds_started_by ON rounds (started_by);
CREATE INDEX rounds_open ON rounds (id) WHERE ended_at IS NULL;

CREATE TABLE answers_v2 (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    answered_at INTEGER NOT NULL CHECK (answered_at >= 0),
    seq         INTEGER NOT NULL,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    user_name   TEXT    NOT NULL,
    attempt     TEXT    NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL,
    response_ms INTEGER NOT NULL,
    streak      INTEGER NOT NULL,
    topic       TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, answered_at, seq)
) WITHOUT ROWID;
INSERT INTO answers_v2
SELECT guild_id, user_id, answered_at,
       row_number() OVER (PARTITION BY guild_id, user_id, answered_at ORDER BY id) - 1,
       question_id, round_id, user_name, attempt, correct, points, response_ms, streak, topic
FROM answers;
DROP TABLE answers;
ALTER TABLE answers_v2 RENAME TO answers;

CREATE TABLE player_totals (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    user_name     TEXT    NOT NULL,
    points        INTEGER NOT NULL DEFAULT 0,
    answers       INTEGER NOT NULL DEFAULT 0,
    correct       INTEGER NOT NULL DEFAULT 0,
    best_streak   INTEGER NOT NULL DEFAULT 0,
    rounds_played INTEGER NOT NULL DEFAULT 0,
    wins          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX player_totals_user ON player_totals (user_id);

CREATE TABLE player_topics (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    topic    TEXT    NOT NULL,
    points   INTEGER NOT NULL,
    answers  INTEGER NOT NULL,
    correct  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, topic)
) WITHOUT ROWID;

CREATE TABLE round_players (
    round_id  INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    guild_id  INTEGER NOT NULL,
    user_name TEXT    NOT NULL,
    first_at  INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    answers   INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;
CREATE INDEX round_players_user ON round_players (guild_id, user_id, first_at);

-- A block (span hours from start) holds an hour h when it is one of these:
-- back = 0: start = h - h % span;  span 144: start = (h / 24 - back) * 24.
CREATE TABLE span_kinds (
    span INTEGER NOT NULL,
    back INTEGER NOT NULL,
    PRIMARY KEY (span, back)
) WITHOUT ROWID;
INSERT INTO span_kinds (span, back) VALUES
    (1, 0), (2, 0), (4, 0), (8, 0), (144, 0), (144, 1), (144, 2), (144, 3), (144, 4), (144, 5);

CREATE TABLE player_spans (
    guild_id INTEGER NOT NULL,
    span     INTEGER NOT NULL,
    start    INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    points   INTEGER NOT NULL DEFAULT 0,
    answers  INTEGER NOT NULL DEFAULT 0,
    correct  INTEGER NOT NULL DEFAULT 0,
    rounds   INTEGER NOT NULL DEFAULT 0,
    wins     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, span, start, user_id)
) WITHOUT ROWID;
CREATE INDEX player_spans_user ON player_spans (guild_id, user_id);

-- Back-fill the rollups from the answers version 1 recorded. A name is the one on the
-- student's latest answer (in the guild, or in the round).
INSERT INTO player_totals (guild_id, user_id, user_name, points, answers, correct, best_streak)
SELECT guild_id, user_id, latest_name, sum(points), count(*), sum(correct), max(streak)
FROM (SELECT *, last_value(user_name) OVER (
          PARTITION BY guild_id, user_id ORDER BY answered_at, seq
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS latest_name
      FROM answers)
GROUP BY guild_id, user_id;

INSERT INTO player_topics (guild_id, user_id, topic, points, answers, correct)
SELECT guild_id, user_id, topic, sum(points), count(*), sum(correct)
FROM answers GROUP BY guild_id, user_id, topic;

INSERT INTO round_players (round_id, user_id, guild_id, user_name, first_at,
                           points, answers, correct)
SELECT round_id, user_id, guild_id, latest_name, min(answered_at),
       sum(points), count(*), sum(correct)
FROM (SELECT *, last_value(user_name) OVER (
          PARTITION BY round_id, user_id ORDER BY answered_at, seq
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS latest_name
      FROM answers)
GROUP BY round_id, user_id;

INSERT INTO player_spans (guild_id, span, start, user_id, points, answers, correct)
SELECT a.guild_id, k.span,
       CASE k.span WHEN 144 THEN (a.answered_at / 3600000 / 24 - k.back) * 24
                   ELSE a.answered_at / 3600000 - a.answered_at / 3600000 % k.span END,
       a.user_id, sum(a.points), count(*), sum(a.correct)
FROM answers AS a, span_kinds AS k
GROUP BY 1, 2, 3, 4;

UPDATE player_totals SET rounds_played = c.n
FROM (SELECT guild_id, user_id, count(*) AS n FROM round_players GROUP BY 1, 2) AS c
WHERE c.guild_id = player_totals.guild_id AND c.user_id = player_totals.user_id;
UPDATE player_spans SET rounds = c.n
FROM (SELECT rp.guild_id, k.span,
             CASE k.span WHEN 144 THEN (rp.first_at / 3600000 / 24 - k.back) * 24
                         ELSE rp.first_at / 3600000 - rp.first_at / 3600000 % k.span END AS start,
             rp.user_id, count(*) AS n
      FROM round_players AS rp, span_kinds AS k
      GROUP BY 1, 2, 3, 4) AS c
WHERE c.guild_id = player_spans.guild_id AND c.span = player_spans.span
  AND c.start = player_spans.start AND c.user_id = player_spans.user_id;

INSERT INTO player_totals (guild_id, user_id, user_name, wins)
SELECT guild_id, winner_id, '', count(*) FROM rounds
WHERE winner_id IS NOT NULL GROUP BY guild_id, winner_id
ON CONFLICT (guild_id, user_id) DO UPDATE SET wins = excluded.wins;
INSERT INTO player_spans (guild_id, span, start, user_id, wins)
SELECT r.guild_id, k.span,
       CASE k.span WHEN 144 THEN (r.ended_at / 3600000 / 24 - k.back) * 24
                   ELSE r.ended_at / 3600000 - r.ended_at / 3600000 % k.span END,
       r.winner_id, count(*)
FROM rounds AS r, span_kinds AS k
WHERE r.winner_id IS NOT NULL AND r.ended_at IS NOT NULL
GROUP BY 1, 2, 3, 4
ON CONFLICT (guild_id, span, start, user_id) DO UPDATE SET wins = excluded.wins;

-- From here on, triggers keep the rollups in step with every insert. Every statement
-- that counts a round runs before round_players gets the row that makes it not first.
CREATE TRIGGER answers_rollup AFTER INSERT ON answers BEGIN
    INSERT INTO player_totals (guild_id, user_id, user_name, points, answers, correct,
                               best_streak, rounds_played)
    SELECT NEW.guild_id, NEW.user_id, NEW.user_name, NEW.points, 1, NEW.correct, NEW.streak,
           NOT EXISTS (SELECT 1 FROM round_players
                       WHERE round_id = NEW.round_id AND user_id = NEW.user_id)
    WHERE true
    ON CONFLICT (guild_id, user_id) DO UPDATE SET
        user_name = excluded.user_name,
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct,
        best_streak = max(best_streak, excluded.best_streak),
        rounds_played = rounds_played + excluded.rounds_played;

    INSERT INTO player_spans (guild_id, span, start, user_id, points, answers, correct, rounds)
    SELECT NEW.guild_id, k.span,
           CASE k.span WHEN 144 THEN (NEW.answered_at / 3600000 / 24 - k.back) * 24
                       ELSE NEW.answered_at / 3600000 - NEW.answered_at / 3600000 % k.span END,
           NEW.user_id, NEW.points, 1, NEW.correct,
           NOT EXISTS (SELECT 1 FROM round_players
                       WHERE round_id = NEW.round_id AND user_id = NEW.user_id)
    FROM span_kinds AS k
    WHERE true
    ON CONFLICT (guild_id, span, start, user_id) DO UPDATE SET
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct,
        rounds = rounds + excluded.rounds;

    INSERT INTO player_topics (guild_id, user_id, topic, points, answers, correct)
    VALUES (NEW.guild_id, NEW.user_id, NEW.topic, NEW.points, 1, NEW.correct)
    ON CONFLICT (guild_id, user_id, topic) DO UPDATE SET
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct;

    INSERT INTO round_players (round_id, user_id, guild_id, user_name, first_at,
                               points, answers, correct)
    VALUES (NEW.round_id, NEW.user_id, NEW.guild_id, NEW.user_name, NEW.answered_at,
            NEW.points, 1, NEW.correct)
    ON CONFLICT (round_id, user_id) DO UPDATE SET
        user_name = excluded.user_name,
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct;
END;

-- A win counts in player_totals, and in player_spans at the time the round ended.
CREATE TRIGGER rounds_winner_changed AFTER UPDATE OF winner_id, ended_at ON rounds
WHEN OLD.winner_id IS NOT NEW.winner_id OR OLD.ended_at IS NOT NEW.ended_at BEGIN
    UPDATE player_totals SET wins = wins - 1
    WHERE OLD.winner_id IS NOT NEW.winner_id
      AND guild_id = OLD.guild_id AND user_id = OLD.winner_id;
    INSERT INTO player_totals (guild_id, user_id, user_name, wins)
    SELECT NEW.guild_id, NEW.winner_id, '', 1
    WHERE NEW.winner_id IS NOT NULL AND OLD.winner_id IS NOT NEW.winner_id
    ON CONFLICT (guild_id, user_id) DO UPDATE SET wins = wins + 1;

    UPDATE player_spans SET wins = wins - 1
    WHERE guild_id = OLD.guild_id AND user_id = OLD.winner_id AND OLD.ended_at IS NOT NULL
      AND (span, start) IN (
          SELECT k.span,
                 CASE k.span WHEN 144 THEN (OLD.ended_at / 3600000 / 24 - k.back) * 24
                             ELSE OLD.ended_at / 3600000 - OLD.ended_at / 3600000 % k.span END
          FROM span_kinds AS k);
    INSERT INTO player_spans (guild_id, span, start, user_id, wins)
    SELECT NEW.guild_id, k.span,
           CASE k.span WHEN 144 THEN (NEW.ended_at / 3600000 / 24 - k.back) * 24
                       ELSE NEW.ended_at / 3600000 - NEW.ended_at / 3600000 % k.span END,
           NEW.winner_id, 1
    FROM span_kinds AS k
    WHERE NEW.winner_id IS NOT NULL AND NEW.ended_at IS NOT NULL
    ON CONFLICT (guild_id, span, start, user_id) DO UPDATE SET wins = wins + 1;
END;

CREATE TRIGGER rounds_inserted_with_winner AFTER INSERT ON rounds
WHEN NEW.winner_id IS NOT NULL BEGIN
    INSERT INTO player_totals (guild_id, user_id, user_name, wins)
    VALUES (NEW.guild_id, NEW.winner_id, '', 1)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET wins = wins + 1;
    INSERT INTO player_spans (guild_id, span, start, user_id, wins)
    SELECT NEW.guild_id, k.span,
           CASE k.span WHEN 144 THEN (NEW.ended_at / 3600000 / 24 - k.back) * 24
                       ELSE NEW.ended_at / 3600000 - NEW.ended_at / 3600000 % k.span END,
           NEW.winner_id, 1
    FROM span_kinds AS k
    WHERE NEW.ended_at IS NOT NULL
    ON CONFLICT (guild_id, span, start, user_id) DO UPDATE SET wins = wins + 1;
END;
"""


# Version 3: each answer records whether it was the student's first in its round, so the
# rollup trigger stops looking round_players up twice per answer and a partial hour of a
# window reads answers alone. Existing answers take the first by time as the first
# (version 2 counted the first recorded; they differ only for out-of-order imports).
V3_FIRST_IN_ROUND: Final = """
ALTER TABLE answers ADD COLUMN first_in_round INTEGER NOT NULL DEFAULT 0
    CHECK (first_in_round IN (0, 1));
UPDATE answers SET first_in_round = 1
FROM (SELECT guild_id, user_id, answered_at, seq,
             row_number() OVER (PARTITION BY round_id, user_id ORDER BY answered_at, seq) AS n
      FROM answers) AS f
WHERE f.n = 1 AND f.guild_id = answers.guild_id AND f.user_id = answers.user_id
  AND f.answered_at = answers.answered_at AND f.seq = answers.seq;

-- Only forget() uses it now, by (guild, student).
DROP INDEX round_players_user;
CREATE INDEX round_players_user ON round_players (guild_id, user_id);

DROP TRIGGER answers_rollup;
CREATE TRIGGER answers_rollup AFTER INSERT ON answers BEGIN
    INSERT INTO player_totals (guild_id, user_id, user_name, points, answers, correct,
                               best_streak, rounds_played)
    SELECT NEW.guild_id, NEW.user_id, NEW.user_name, NEW.points, 1, NEW.correct, NEW.streak,
           NEW.first_in_round
    WHERE true
    ON CONFLICT (guild_id, user_id) DO UPDATE SET
        user_name = excluded.user_name,
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct,
        best_streak = max(best_streak, excluded.best_streak),
        rounds_played = rounds_played + excluded.rounds_played;

    INSERT INTO player_spans (guild_id, span, start, user_id, points, answers, correct, rounds)
    SELECT NEW.guild_id, k.span,
           CASE k.span WHEN 144 THEN (NEW.answered_at / 3600000 / 24 - k.back) * 24
                       ELSE NEW.answered_at / 3600000 - NEW.answered_at / 3600000 % k.span END,
           NEW.user_id, NEW.points, 1, NEW.correct,
           NEW.first_in_round
    FROM span_kinds AS k
    WHERE true
    ON CONFLICT (guild_id, span, start, user_id) DO UPDATE SET
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct,
        rounds = rounds + excluded.rounds;

    INSERT INTO player_topics (guild_id, user_id, topic, points, answers, correct)
    VALUES (NEW.guild_id, NEW.user_id, NEW.topic, NEW.points, 1, NEW.correct)
    ON CONFLICT (guild_id, user_id, topic) DO UPDATE SET
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct;

    INSERT INTO round_players (round_id, user_id, guild_id, user_name, first_at,
                               points, answers, correct)
    VALUES (NEW.round_id, NEW.user_id, NEW.guild_id, NEW.user_name, NEW.answered_at,
            NEW.points, 1, NEW.correct)
    ON CONFLICT (round_id, user_id) DO UPDATE SET
        user_name = excluded.user_name,
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct;
END;
"""
