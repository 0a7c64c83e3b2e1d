"""Judging typed quiz answers: what a student sees marked right, wrong, or 'check the spelling'.

Each rule of `bot.judge` has cases on both sides of it. The case ids read as sentences in the
pytest output, so a failure says which promise to a student was broken.
"""

from __future__ import annotations

import pytest

from bot.judge import Verdict, judge

TRUMAN = ["Harry Truman", "Truman", "President Truman", "Harry S. Truman"]
MACARTHUR = ["Douglas MacArthur", "MacArthur", "General MacArthur"]
RHEE = ["Syngman Rhee", "Rhee"]
KIM = ["Kim Il Sung", "Kim Il-sung"]
MAO = ["Mao Zedong", "Mao Tse-tung", "Chairman Mao"]
MARTIN = ["Joseph Martin", "Martin", "Joe Martin"]
INCHON = ["Inchon", "Incheon"]
START = ["June 25, 1950"]
INVADERS = ["75,000", "seventy-five thousand"]
PARALLEL = ["38th parallel"]
DMZ = ["demilitarized zone", "DMZ"]


def case(attempt: str, answers: list[str], why: str) -> object:
    return pytest.param(attempt, answers, id=why)


ACCEPTED = [
    # numbers are exact once their spelling is normalised
    case("75,000", INVADERS, "75,000 as written"),
    case("75000", INVADERS, "75000 without a comma"),
    case("75 000", INVADERS, "75 000 with a space"),
    case("75.000", INVADERS, "75.000 European style"),
    case("75k", INVADERS, "75k"),
    case("75K", INVADERS, "75K upper case"),
    case("75 thousand", INVADERS, "75 thousand"),
    case("seventy-five thousand", ["75,000"], "seventy-five thousand in words"),
    case("Seventy Five Thousand", ["75,000"], "number words without hyphen, capitalised"),
    case("about 75,000", ["75,000"], "about 75,000 (a hedge word on the right number)"),
    case("75,000 soldiers", ["75,000"], "75,000 soldiers adds a category word"),
    case("75,000 troops", ["75,000 soldiers"], "troops for soldiers alongside the number"),
    case("36,000 deaths", ["36,000"], "36,000 deaths adds a plural category word"),
    case("5 million", ["five million"], "5 million for five million"),
    case("5,000,000", ["5 million"], "5,000,000 for 5 million"),
    case("2.5m", ["2,500,000"], "2.5m for 2,500,000"),
    case("1.5k", ["1,500"], "1.5k for 1,500"),
    case("one hundred and fifty", ["150"], "one hundred and fifty"),
    case("10%", ["10 percent"], "10% for 10 percent"),
    case("ten percent", ["10%"], "ten percent for 10%"),
    case("10", ["10 percent"], "10 leaves out the unit"),
    case("2 mi", ["2 miles"], "2 mi abbreviates miles"),
    case("1500 sq mi", ["1,500 square miles"], "1500 sq mi"),
    case("4 kilometres", ["4 km"], "kilometres for km"),
    # dates are exact once their spelling is normalised
    case("June 25, 1950", START, "the date as written"),
    case("25 June 1950", START, "25 June 1950 day first"),
    case("6/25/1950", START, "6/25/1950"),
    case("06/25/1950", START, "06/25/1950 zero padded"),
    case("June 25th, 1950", START, "June 25th, 1950 ordinal"),
    case("june twenty-fifth 1950", START, "june twenty-fifth 1950 in words"),
    case("25th of June 1950", START, "25th of June 1950"),
    case("Jun 25 1950", START, "Jun 25 1950 abbreviated month"),
    case("the twenty-fifth of June, 1950", START, "the twenty-fifth of June, 1950"),
    case("July 1950", ["July 1950"], "month and year for month and year"),
    case("Aug 1945", ["August 1945"], "Aug for August"),
    case("1950", ["1950"], "a year for a year"),
    # ordinals and the parallel
    case("38th parallel", PARALLEL, "38th parallel as written"),
    case("38 parallel", PARALLEL, "38 parallel without th"),
    case("the thirty-eighth parallel", PARALLEL, "thirty-eighth parallel in words"),
    case("38th", PARALLEL, "38th leaves out the category word"),
    case("38", PARALLEL, "38 alone"),
    # surnames, typos, spacing
    case("Truman", ["Harry Truman"], "surname Truman alone"),
    case("MacArthur", ["Douglas MacArthur"], "surname MacArthur alone"),
    case("Rhee", ["Syngman Rhee"], "surname Rhee alone"),
    case("Martin", ["Joseph Martin"], "surname Martin alone"),
    case("McArthur", MACARTHUR, "McArthur typo"),
    case("Mac Arthur", ["Douglas MacArthur"], "Mac Arthur with a space"),
    case("Douglas Mac Arthur", ["Douglas MacArthur"], "full name with Mac Arthur split"),
    case("Trueman", ["Harry Truman"], "Trueman typo"),
    case("Harry Trumann", ["Harry Truman"], "Harry Trumann typo"),
    case("Panmunjeom", ["Panmunjom"], "Panmunjeom spelling"),
    case("PANMUNJŎM", ["Panmunjom"], "capitals and an accent"),
    case("Syngmann Rhee", RHEE, "Syngmann Rhee typo"),
    case("insubordinaton", ["insubordination"], "insubordinaton typo"),
    case("Kim Il-sung", ["Kim Il Sung"], "Kim Il-sung hyphenated"),
    case("Kim Ilsung", ["Kim Il Sung"], "Kim Ilsung run together"),
    case("  inchon  ", INCHON, "surrounding spaces and lower case"),
    case("In\u200bchon", INCHON, "a zero-width space inside the word"),
    case("Incheon", ["Inchon"], "Incheon, the modern spelling, for Inchon"),
    # filler, titles and category words
    case("General MacArthur", ["Douglas MacArthur"], "title General added"),
    case("President Truman", ["Harry Truman"], "title President added"),
    case("the DMZ", DMZ, "article the added"),
    case("Chairman Mao", ["Mao Zedong", "Mao Tse-tung"], "Chairman Mao"),
    case("Mao", ["Mao Zedong", "Mao Tse-tung"], "Mao, shared by every spelling"),
    case("Incheon landing", INCHON, "category word landing added"),
    case("the Yalu", ["Yalu River"], "Yalu without River"),
    case("Yalu river", ["Yalu"], "Yalu with river added"),
    case("U.N.", ["UN", "United Nations"], "U.N. with dots"),
    case("United Nation", ["United Nations"], "singular United Nation"),
    case("Soviets", ["Soviet Union", "Soviets"], "an alias"),
    case("troop", ["troops"], "troop singular"),
]

REJECTED = [
    pytest.param("Fort Burgh", ["Port Burgh"], id="a typo keeps the first letter: Fort, Port"),
    pytest.param("Lena Ivanova", ["Elena Ivanova"], id="Lena is not Elena"),
    # a wrong number never passes
    case("39th parallel", PARALLEL, "39th parallel is not the 38th"),
    case("37th parallel", PARALLEL, "37th parallel is not the 38th"),
    case("June 25, 1953", START, "June 25, 1953 is the wrong year"),
    case("June 26, 1950", START, "June 26, 1950 is the wrong day"),
    case("May 25, 1950", START, "May 25, 1950 is the wrong month"),
    case("6/25/1953", START, "6/25/1953 is the wrong year"),
    case("750,000", INVADERS, "750,000 is ten times too many"),
    case("7,500", INVADERS, "7,500 is ten times too few"),
    case("75", INVADERS, "75 is not 75,000"),
    case("75,001", INVADERS, "75,001 is off by one"),
    case("76k", INVADERS, "76k"),
    case("seventy-six thousand", INVADERS, "seventy-six thousand"),
    case("36,575", ["36,574"], "36,575 off by one"),
    case("2 miles", ["2.5 miles"], "2 miles is not 2.5 miles"),
    case("25 miles", ["2.5 miles"], "25 miles is not 2.5 miles"),
    case("11%", ["10 percent"], "11% is not 10 percent"),
    case("forty", ["4"], "forty is not 4"),
    # a bare year or part of a date is not the date
    case("1950", START, "a bare year for a full date"),
    case("June 1950", START, "month and year for a full date"),
    case("June 25", START, "day and month without the year"),
    case("1953", ["July 1953"], "a bare year for month and year"),
    case("June", START, "a bare month"),
    # hedges: more than one number or name
    case("1950 or 1951", ["1950"], "two years hedged"),
    case("75,000 or 750,000", INVADERS, "two numbers hedged"),
    case("Inchon Busan", INCHON, "two places hedged"),
    case("Inchon or Busan", INCHON, "two places hedged with or"),
    case("Truman MacArthur", ["Harry Truman"], "two people hedged"),
    # a different person never passes
    case("Kim Jong Il", KIM, "Kim Jong Il is not Kim Il Sung"),
    case("Kim Jong-un", KIM, "Kim Jong-un is not Kim Il Sung"),
    case("Kim Jong Un", ["Kim Jong Il"], "Kim Jong Un is not Kim Jong Il"),
    case("Joseph McCarthy", MARTIN, "Joseph McCarthy is not Joseph Martin"),
    case("McCarthy", MARTIN, "McCarthy is not Martin"),
    case("Joseph Stalin", MARTIN, "Joseph Stalin is not Joseph Martin"),
    case("Joseph", ["Joseph Martin"], "a bare first name Joseph"),
    case("Harry Potter", TRUMAN, "Harry Potter is not Harry Truman"),
    case("Harry", ["Harry Truman"], "a bare first name Harry"),
    case("Douglas", ["Douglas MacArthur"], "a bare first name Douglas"),
    case("Syngman", ["Syngman Rhee"], "a bare first name Syngman"),
    case("McCarthy", MACARTHUR, "McCarthy is not MacArthur"),
    case("Chiang Kai-shek", MAO, "Chiang Kai-shek is not Mao"),
    case("Eisenhower", TRUMAN, "a different president"),
    # sides and places
    case("South Korea", ["North Korea"], "South Korea is not North Korea"),
    case("North Korea", ["South Korea"], "North Korea is not South Korea"),
    case("Korea", ["North Korea"], "Korea alone is not North Korea"),
    case("north", ["North Korea"], "north alone is not North Korea"),
    case("Sowth Korea", ["North Korea"], "a misspelt South Korea is not North Korea"),
    case("Busan", INCHON, "a different city"),
    case("Japan", ["China"], "a different country"),
    case("Russia", ["Soviet Union"], "Russia is not the Soviet Union"),
    # category words and units are not answers on their own
    case("sea", ["river"], "sea is not river"),
    case("landing", ["invasion"], "landing is not invasion"),
    case("soldier", ["troops"], "soldier is not troops unless listed"),
    case("river", ["Yalu River"], "river alone is not the Yalu River"),
    case("parallel", PARALLEL, "parallel alone is not the 38th parallel"),
    case("2 km", ["2 miles"], "2 km is not 2 miles"),
    case("1,500 square km", ["1,500 square miles"], "square km is not square miles"),
    # nothing, or only filler
    case("", INCHON, "an empty answer"),
    case("   ", INCHON, "only spaces"),
    case("the", ["the DMZ"], "only the article"),
    case("?!", INCHON, "only punctuation"),
    case("Inchon", [], "no accepted answers at all"),
    case("Inchon", ["", "  "], "blank accepted answers"),
]


@pytest.mark.parametrize(("attempt", "answers"), ACCEPTED)
def test_accepted(attempt: str, answers: list[str]) -> None:
    verdict = judge(attempt, answers)
    assert verdict.accepted
    assert verdict.matched in answers
    assert not verdict.near_miss  # "check your spelling" is never said about a right answer


@pytest.mark.parametrize(("attempt", "answers"), REJECTED)
def test_rejected(attempt: str, answers: list[str]) -> None:
    verdict = judge(attempt, answers)
    assert not verdict.accepted
    assert verdict.matched is None


NEAR_MISSES = [
    case("Incheeon", ["Inchon"], "Incheeon is two letters off Inchon"),
    case("Panmunjumm", ["Panmunjom"], "Panmunjumm is two letters off Panmunjom"),
    case("Stallinn", ["Stalin"], "Stallinn is two letters off Stalin"),
    case("Trueeman", ["Harry Truman"], "Trueeman is two letters off the surname Truman"),
    case("Yaloo river", ["Yalu River"], "Yaloo river is two letters off Yalu River"),
    case("Maoo", MAO, "Maoo is one letter off the short name Mao"),
]

NOT_NEAR_MISSES = [
    case("39th parallel", PARALLEL, "a wrong number is wrong, not misspelt"),
    case("June 25, 1953", START, "a wrong date is wrong, not misspelt"),
    case("750,000", INVADERS, "a wrong amount is wrong, not misspelt"),
    case("South Korea", ["North Korea"], "the other side is wrong, not misspelt"),
    case("Harry Potter", TRUMAN, "a different person is wrong, not misspelt"),
    case("Kim Jong Il", KIM, "a different Kim is wrong, not misspelt"),
    case("Busan", INCHON, "a different city is wrong, not misspelt"),
    case("", INCHON, "an empty answer"),
]


@pytest.mark.parametrize(("attempt", "answers"), NEAR_MISSES)
def test_close_misspellings_are_rejected_as_near_misses(attempt: str, answers: list[str]) -> None:
    assert judge(attempt, answers) == Verdict(accepted=False, near_miss=True)


@pytest.mark.parametrize(("attempt", "answers"), NOT_NEAR_MISSES)
def test_wrong_answers_are_not_near_misses(attempt: str, answers: list[str]) -> None:
    assert judge(attempt, answers) == Verdict(accepted=False, near_miss=False)


def test_matched_names_the_accepted_spelling_that_matched() -> None:
    assert judge("Mao Tse Tung", MAO).matched == "Mao Tse-tung"
    assert judge("25 June 1950", ["June 25, 1950", "25 June 1950"]).matched == "June 25, 1950"
    assert judge("DMZ", DMZ).matched == "DMZ"


def test_answers_may_be_any_sequence_and_repeated_calls_agree() -> None:
    as_list = judge("Truman", ["Harry Truman"])
    as_tuple = judge("Truman", ("Harry Truman",))
    assert as_list == as_tuple == judge("Truman", ["Harry Truman"])
    assert as_list.accepted


def test_a_very_long_attempt_with_the_answer_buried_in_it_is_not_accepted() -> None:
    padding = "I think it might be " * 50
    assert not judge(padding + "Inchon", INCHON).accepted
