"""Timed quiz rounds: the state machine, scoring, events and the engine that runs them."""

from bot.quiz.clock import Clock, RealClock, VirtualClock
from bot.quiz.engine import QuizEngine
from bot.quiz.errors import (
    AlreadyAnswered,
    InPlay,
    NoQuestions,
    NoRoundRunning,
    NotAllowed,
    QuestionNotOpen,
    QuizError,
    RoundAlreadyRunning,
)
from bot.quiz.events import (
    AnswerJudged,
    CloseReason,
    EndReason,
    HintRevealed,
    Mode,
    Player,
    PlayerScore,
    QuestionClosed,
    QuestionOpened,
    RoundEnded,
    Where,
)
from bot.quiz.ports import QuizStore, Transport
from bot.quiz.round import Round, RoundConfig
from bot.quiz.scoring import Scoring, hint_text

__all__ = [
    "AlreadyAnswered",
    "AnswerJudged",
    "Clock",
    "CloseReason",
    "EndReason",
    "HintRevealed",
    "InPlay",
    "Mode",
    "NoQuestions",
    "NoRoundRunning",
    "NotAllowed",
    "Player",
    "PlayerScore",
    "QuestionClosed",
    "QuestionNotOpen",
    "QuestionOpened",
    "QuizEngine",
    "QuizError",
    "QuizStore",
    "RealClock",
    "Round",
    "RoundAlreadyRunning",
    "RoundConfig",
    "RoundEnded",
    "Scoring",
    "Transport",
    "VirtualClock",
    "Where",
    "hint_text",
]
