"""Synthetic but realistic terms for Flemish prisons of four sizes.

``generate(profile, seed, learners, internet)`` builds a ProblemData from the facts in the
domain notes: a 16-week spring term (Mon 11 Jan .. Fri 30 Apr 2027) with Easter Monday and a
24-hour strike closed, six one-hour periods a day (08:30-11:30 and 13:00-16:00), wing regimes
(remand with a daily visit hour, workers with work blocks on half-days, an open-door community
regime, a women's section), NT2 levels and MO languages in realistic proportions, teachers of
adult-education (CVO) and basic-education (CBE) centres on fixed days, multilingual counsellors
of the integration agency, contact bans between co-accused and the separations a prison needs.

Profiles (learner counts are the default ``learners``):

- ``small``  ~45 learners, a prison of ~170 places (like Ieper): 3 sections, 2 classrooms, one
  interview room, one computer lab of 8 seats with 4 internet seats.
- ``medium`` ~100 learners, ~450 places (like Hasselt); carries a Scenarios sheet.
- ``large``  ~200 learners, ~600 places (like Brugge): remand and women's sections; a second
  strike day that closes the remand wings only.
- ``haren``  ~350 learners, 1,190 places in living units of about 30 (Haren): 13 units in three
  houses, 8 classrooms, 2 computer labs, 2 interview rooms.

``learners=N`` sets the number of learners; staff, classrooms, interview rooms and the escort
limit grow in proportion, so a stress instance stays as tight as its profile. ``internet=False``
is a prison without an internet line for education: no InternetWindows rows, computer labs
without internet seats, no course with internet sessions and no learner asking for internet
periods.

Staff are sized to about 85% of the nominal demand (groups of average size per wing type), so
that the solver has to choose whom to serve. Everything is drawn from ``random.Random(seed)``:
the same arguments always give the same ProblemData. All ids and names are fictional.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.data import (
    DEFAULT_WEIGHTS,
    ClosedDay,
    Course,
    InternetWindow,
    Learner,
    LearnerUnavailability,
    Period,
    ProblemData,
    RegimeBlock,
    Room,
    RoomUnavailability,
    ScenarioRow,
    Section,
    Separation,
    Settings,
    Staff,
    StaffAvailability,
    fmt_time,
)
from scheduler.errors import SchedulerError
from scheduler.rules import needs_intake

TERM_START = dt.date(2027, 1, 11)  # a Monday
TERM_END = dt.date(2027, 4, 30)  # Friday of week 16
EASTER_MONDAY = dt.date(2027, 3, 29)
STRIKE_DAY = dt.date(2027, 2, 16)  # a 24-hour strike: the whole prison stays in cells
SECOND_STRIKE_DAY = dt.date(2027, 4, 15)  # a strike in the remand wings only
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
PERIOD_TIMES: tuple[tuple[str, str], ...] = (
    ("08:30", "09:30"),
    ("09:30", "10:30"),
    ("10:30", "11:30"),
    ("13:00", "14:00"),
    ("14:00", "15:00"),
    ("15:00", "16:00"),
)
# Staff are hired for this share of the nominal demand: most, not all, can be served.
STAFF_SHARE = 0.85


def _t(text: str) -> int:
    """``"08:30"`` -> 510 minutes."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class SectionSpec:
    """A wing or living unit: ``kind`` is remand, workers, community or women."""

    section: str
    name: str
    kind: str
    regime: str
    zone: str
    share: float  # relative share of the learners

    @property
    def side(self) -> str:
        """Which wings may share a group: remand men, sentenced men or women."""
        return {"remand": "remand", "women": "women"}.get(self.kind, "sentenced")


@dataclass(frozen=True)
class Profile:
    """What one prison size looks like."""

    prison: str
    learners: int
    sections: tuple[SectionSpec, ...]
    classrooms: tuple[tuple[int, str, str], ...]  # seats, zone, kind of wing allowed ("" = all)
    labs: tuple[tuple[int, int], ...]  # seats, internet seats
    interview_rooms: int
    nt2_levels: tuple[str, ...]
    mo_languages: tuple[str, ...]
    internet_windows: tuple[tuple[str, str, str], ...]
    intake_weeks: int
    max_groups_moving: int | None
    time_limit_s: float
    partial_strike: bool
    contact_bans: int
    scenarios: bool = False
    # The week and the course shapes; the defaults are the common Flemish prison week.
    days: tuple[str, ...] = WEEKDAYS
    period_times: tuple[tuple[str, str], ...] = PERIOD_TIMES
    term_start: dt.date = TERM_START
    intake_periods: int = 1
    nt2_courses: Mapping[str, tuple[int, int, int, int, int]] | None = None  # None: NT2_COURSES
    mo_course: tuple[int, int, int] = (2, 2, 60)  # sessions a week, periods a session, hours
    day_patterns: Mapping[int, tuple[tuple[str, ...], ...]] | None = None  # None: DAY_PATTERNS


def _wings(
    prefix: str, numbers: range, kind: str, regimes: Sequence[str], zone: str, label: str
) -> tuple[SectionSpec, ...]:
    """Similar units ``<prefix><n>`` for n in ``numbers``, regimes taken in turn."""
    return tuple(
        SectionSpec(
            f"{prefix}{n}", f"{label} {prefix}{n}", kind, regimes[i % len(regimes)], zone, 1.0
        )
        for i, n in enumerate(numbers)
    )


def _small_sections() -> tuple[SectionSpec, ...]:
    return (
        SectionSpec("A", "Wing A - remand men", "remand", "REMAND-A", "A", 0.42),
        SectionSpec("B", "Wing B - sentenced men, workers", "workers", "WORK", "B", 0.44),
        SectionSpec("V", "Women's section", "women", "WOMEN", "V", 0.14),
    )


def _medium_sections() -> tuple[SectionSpec, ...]:
    return (
        *_wings("A", range(1, 3), "remand", ("REMAND-A", "REMAND-B"), "A", "Remand men"),
        *_wings("B", range(1, 3), "workers", ("WORK",), "B", "Sentenced men, workers"),
        SectionSpec("C1", "Sentenced men, community wing", "community", "COMMUNITY", "C", 1.2),
        SectionSpec("V", "Women's section", "women", "WOMEN", "V", 0.7),
    )


def _large_sections() -> tuple[SectionSpec, ...]:
    return (
        *_wings("A", range(1, 4), "remand", ("REMAND-A", "REMAND-B"), "A", "Remand men"),
        *_wings("B", range(1, 3), "workers", ("WORK",), "B", "Sentenced men, workers"),
        *_wings("C", range(1, 3), "community", ("COMMUNITY",), "C", "Sentenced men, community"),
        SectionSpec("V", "Women's wing (remand and sentenced)", "women", "WOMEN", "V", 0.9),
    )


def _haren_sections() -> tuple[SectionSpec, ...]:
    remand, sentenced, women = "remand house", "sentenced house", "women's house"
    return (
        *_wings("R", range(1, 6), "remand", ("REMAND-A", "REMAND-B"), remand, "Remand unit"),
        *_wings("S", range(1, 4), "workers", ("WORK",), sentenced, "Workers' unit"),
        *_wings("S", range(4, 7), "community", ("COMMUNITY",), sentenced, "Community unit"),
        *_wings("W", range(1, 3), "women", ("WOMEN",), women, "Women's unit"),
    )


def _campus_sections() -> tuple[SectionSpec, ...]:
    """Several prisons' worth of wings on one campus: two remand houses, two sentenced houses
    (workers and community units) and a women's house."""
    out: list[SectionSpec] = []
    for house in ("A", "B"):
        zone = f"remand house {house}"
        out += _wings(f"R{house}", range(1, 5), "remand", ("REMAND-A", "REMAND-B"), zone, "Remand")
    for house in ("A", "B"):
        zone = f"sentenced house {house}"
        out += _wings(f"S{house}", range(1, 4), "workers", ("WORK",), zone, "Workers' unit")
        out += _wings(f"S{house}", range(4, 7), "community", ("COMMUNITY",), zone, "Community")
    out += _wings("W", range(1, 4), "women", ("WOMEN",), "women's house", "Women's unit")
    return tuple(out)


# The odd-shaped prison: six teaching days of 45-minute periods with short breaks.
ODD_DAYS: tuple[str, ...] = (*WEEKDAYS, "Sat")
ODD_PERIOD_TIMES: tuple[tuple[str, str], ...] = (
    ("08:15", "09:00"),
    ("09:00", "09:45"),
    ("10:00", "10:45"),  # after a quarter-hour break
    ("10:45", "11:30"),
    ("13:15", "14:00"),
    ("14:00", "14:45"),
    ("15:00", "15:45"),  # after a quarter-hour break
)
ODD_TERM_START = dt.date(2027, 1, 13)  # a Wednesday: the term starts mid-week
# Short daily sessions for the alfa track and for 2.1, triple periods for the others.
ODD_NT2_COURSES: dict[str, tuple[int, int, int, int, int]] = {
    "alfa": (5, 1, 50, 4, 8),
    "1.1": (2, 3, 60, 5, 12),
    "1.2": (2, 3, 60, 5, 12),
    "2.1": (4, 1, 40, 4, 10),
    "2.2": (2, 3, 60, 4, 10),
}
ODD_DAY_PATTERNS: dict[int, tuple[tuple[str, ...], ...]] = {
    2: (("Wed", "Sat"), ("Tue", "Fri"), ("Mon", "Thu"), ("Thu", "Sat")),
    3: (("Mon", "Wed", "Sat"), ("Tue", "Thu", "Sat"), ("Mon", "Tue", "Thu"), ("Wed", "Fri", "Sat")),
    4: (("Mon", "Tue", "Thu", "Sat"), ("Tue", "Wed", "Fri", "Sat"), ("Mon", "Wed", "Thu", "Fri")),
}

PROFILES: dict[str, Profile] = {
    "small": Profile(
        prison="Prison of Ieper (synthetic example, ~170 places)",
        learners=45,
        sections=_small_sections(),
        classrooms=((12, "central", ""), (10, "central", "")),
        labs=((8, 4),),
        interview_rooms=1,
        nt2_levels=("alfa", "1.1", "1.2", "2.1"),
        mo_languages=("ar", "fr", "en", "ru"),
        internet_windows=(("Tue", "13:00", "16:00"), ("Thu", "09:30", "11:30")),
        intake_weeks=2,
        max_groups_moving=None,
        time_limit_s=30,
        partial_strike=False,
        contact_bans=2,
    ),
    "medium": Profile(
        prison="Prison of Hasselt (synthetic example, ~450 places)",
        learners=100,
        sections=_medium_sections(),
        classrooms=((12, "central", ""), (12, "central", ""), (10, "central", "")),
        labs=((10, 6),),
        interview_rooms=1,
        nt2_levels=("alfa", "1.1", "1.2", "2.1", "2.2"),
        mo_languages=("ar", "fr", "en", "ru", "ro"),
        internet_windows=(
            ("Tue", "13:00", "16:00"),
            ("Wed", "08:30", "11:30"),
            ("Thu", "09:30", "11:30"),
        ),
        intake_weeks=2,
        max_groups_moving=3,
        time_limit_s=60,
        partial_strike=False,
        contact_bans=3,
        scenarios=True,
    ),
    "large": Profile(
        prison="Prison of Brugge (synthetic example, ~600 places)",
        learners=200,
        sections=_large_sections(),
        classrooms=(
            (12, "central", ""),
            (12, "central", ""),
            (12, "central", ""),
            (10, "central", ""),
            (8, "V", "women"),
        ),
        labs=((10, 6),),
        interview_rooms=2,
        nt2_levels=("alfa", "1.1", "1.2", "2.1", "2.2"),
        mo_languages=("ar", "fr", "en", "ru", "ro", "ti"),
        internet_windows=(
            ("Mon", "13:00", "16:00"),
            ("Tue", "08:30", "11:30"),
            ("Wed", "13:00", "16:00"),
            ("Thu", "09:30", "11:30"),
            ("Fri", "08:30", "11:30"),
        ),
        intake_weeks=3,
        max_groups_moving=4,
        time_limit_s=120,
        partial_strike=True,
        contact_bans=5,
    ),
    # Where the lab decides: every NT2 course has an internet session, sessions last two
    # periods, and the one lab is open to learners in three short windows a week.
    "lab": Profile(
        prison="Prison of Leuven (synthetic example, ~300 places, a small lab)",
        learners=150,
        sections=_medium_sections(),
        classrooms=((12, "central", ""), (12, "central", ""), (10, "central", "")),
        labs=((10, 6),),
        interview_rooms=1,
        nt2_levels=("alfa", "1.1", "1.2", "2.1", "2.2"),
        mo_languages=("ar", "fr", "en", "ru"),
        internet_windows=(
            ("Tue", "13:00", "15:00"),
            ("Thu", "09:30", "11:30"),
            ("Fri", "08:30", "11:30"),
        ),
        intake_weeks=2,
        max_groups_moving=3,
        time_limit_s=60,
        partial_strike=False,
        contact_bans=3,
    ),
    "haren": Profile(
        prison="Prison of Haren (synthetic example, 1,190 places)",
        learners=350,
        sections=_haren_sections(),
        classrooms=(
            (12, "central", ""),
            (12, "central", ""),
            (12, "central", ""),
            (12, "central", ""),
            (10, "central", ""),
            (12, "remand house", "remand"),
            (10, "remand house", "remand"),
            (10, "women's house", "women"),
        ),
        labs=((12, 8), (12, 8)),
        interview_rooms=2,
        nt2_levels=("alfa", "1.1", "1.2", "2.1", "2.2"),
        mo_languages=("ar", "fr", "en", "ru", "ro", "ti", "ps", "sq"),
        internet_windows=(
            *((day, "08:30", "11:30") for day in WEEKDAYS),
            ("Tue", "13:00", "16:00"),
            ("Thu", "13:00", "16:00"),
        ),
        intake_weeks=3,
        max_groups_moving=6,
        time_limit_s=180,
        partial_strike=True,
        contact_bans=8,
    ),
    # An odd shape: six teaching days of seven 45-minute periods with short breaks, sessions of
    # one and of three periods, two-period intakes, internet windows on Saturday, a term that
    # starts on a Wednesday.
    "odd": Profile(
        prison="Prison of Marche (synthetic example, ~350 places, a six-day week)",
        learners=120,
        sections=_medium_sections(),
        classrooms=((12, "central", ""), (12, "central", ""), (10, "central", "")),
        labs=((10, 6),),
        interview_rooms=1,
        nt2_levels=("alfa", "1.1", "1.2", "2.1", "2.2"),
        mo_languages=("ar", "fr", "en", "ru", "ro"),
        internet_windows=(
            ("Sat", "08:15", "11:30"),
            ("Sat", "13:15", "14:45"),
            ("Wed", "10:00", "11:30"),
        ),
        intake_weeks=2,
        max_groups_moving=3,
        time_limit_s=60,
        partial_strike=False,
        contact_bans=3,
        days=ODD_DAYS,
        period_times=ODD_PERIOD_TIMES,
        term_start=ODD_TERM_START,
        intake_periods=2,
        nt2_courses=ODD_NT2_COURSES,
        mo_course=(1, 3, 30),
        day_patterns=ODD_DAY_PATTERNS,
    ),
    # About 1,000 learners: a campus with several prisons' worth of wings in one workbook.
    "xl": Profile(
        prison="Penitentiary campus (synthetic example, ~3,000 places in five houses)",
        learners=1000,
        sections=_campus_sections(),
        classrooms=(
            *((12, "central", "") for _ in range(8)),
            (10, "central", ""),
            (10, "central", ""),
            (12, "remand house A", "remand"),
            (10, "remand house A", "remand"),
            (12, "remand house B", "remand"),
            (10, "remand house B", "remand"),
            (12, "sentenced house A", "sentenced"),
            (12, "sentenced house B", "sentenced"),
            (10, "women's house", "women"),
            (10, "women's house", "women"),
        ),
        labs=((12, 8), (12, 8), (12, 8), (10, 6)),
        interview_rooms=4,
        nt2_levels=("alfa", "1.1", "1.2", "2.1", "2.2"),
        mo_languages=("ar", "fr", "en", "ru", "ro", "ti", "ps", "sq"),
        internet_windows=(
            *((day, "08:30", "11:30") for day in WEEKDAYS),
            ("Mon", "13:00", "16:00"),
            ("Tue", "13:00", "16:00"),
            ("Thu", "13:00", "16:00"),
        ),
        intake_weeks=3,
        max_groups_moving=14,
        time_limit_s=300,
        partial_strike=True,
        contact_bans=20,
    ),
}
# Which NT2 levels get one of their weekly sessions in the computer lab, per profile.
INTERNET_LEVELS: dict[str, tuple[str, ...]] = {
    "odd": ("1.2", "2.1"),
    "xl": ("1.2", "2.1", "2.2"),
    "small": ("2.1",),
    "medium": ("1.2", "2.1"),
    "large": ("1.2", "2.1"),
    "haren": ("1.2", "2.1", "2.2"),
    "lab": ("alfa", "1.1", "1.2", "2.1", "2.2"),
}

# Regimes: (day or "all", start, end, activity). Every regime shares the day's fixed points.
_COMMON_BLOCKS = (
    ("all", "06:30", "07:30", "other"),  # wake-up, breakfast
    ("all", "11:45", "12:45", "meal"),  # meal in cell
    ("all", "12:45", "13:00", "count"),
    ("all", "17:00", "17:30", "count"),
)
# Regimes are laid out so that the wings that may share a group (remand men, sentenced men)
# keep a common free double period most mornings and afternoons: the yards and visit rooms are
# used by one wing while the other has education, as prisons plan it.
REGIMES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    # Closed-door remand regime: late-morning yard, a visit hour every afternoon.
    "REMAND-A": (("all", "10:30", "11:30", "yard"), ("all", "15:00", "16:00", "visit")),
    # The other remand wing has its visits while A is in the yard, and the other way round;
    # Friday afternoon it is locked in (staff meeting).
    "REMAND-B": (
        ("all", "10:30", "11:30", "visit"),
        ("all", "15:00", "16:00", "yard"),
        ("Fri", "13:00", "16:00", "lockin"),
    ),
    # Workers: workshops on Mon/Wed mornings, Tue/Thu afternoons and early Friday morning, yard
    # after work, visits on Friday afternoon and at the weekend.
    "WORK": (
        *((day, "07:45", "11:30", "work") for day in ("Mon", "Wed")),
        *((day, "12:45", "16:30", "work") for day in ("Tue", "Thu")),
        ("Fri", "07:45", "10:30", "work"),
        ("all", "16:30", "17:30", "yard"),
        ("Fri", "15:00", "16:00", "visit"),
        ("Sat", "09:00", "10:00", "visit"),
        ("Sun", "14:00", "15:00", "visit"),
    ),
    # Open-door community regime: yard at the end of the afternoon, visits Mon/Wed/Fri late
    # morning, sport on Thursday.
    "COMMUNITY": (
        ("all", "15:00", "16:00", "yard"),
        *((day, "10:30", "11:30", "visit") for day in ("Mon", "Wed", "Fri")),
        ("Thu", "10:30", "11:30", "other"),
    ),
    # Women: yard after lunch, visits Tue/Thu afternoon and Saturday, workshop Wednesday morning.
    "WOMEN": (
        ("all", "13:00", "14:00", "yard"),
        ("Tue", "15:00", "16:00", "visit"),
        ("Thu", "15:00", "16:00", "visit"),
        ("Sat", "14:00", "15:00", "visit"),
        ("Wed", "08:30", "11:30", "work"),
    ),
}

# Where learners come from, as (weight, contact-language lists, best first). About 43-45% of
# detainees are not Belgian; the learners asking NT2 or MO are mostly among them.
ORIGINS: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...] = (
    (24, (("ar", "fr"), ("ar",), ("ar", "fr"), ("fr", "ar"))),  # Moroccan
    (10, (("ar", "fr"), ("fr", "ar"))),  # Algerian
    (3, (("ar", "fr"),)),  # Tunisian
    (7, (("sq", "en"), ("sq", "it"))),  # Albanian
    (8, (("ro", "en"), ("ro", "fr"), ("ro",))),  # Romanian
    (3, (("bg", "ru"), ("bg", "en"))),  # Bulgarian
    (4, (("pl", "en"), ("pl", "ru"))),  # Polish
    (6, (("ru",), ("ka", "ru"), ("ce", "ru"))),  # Russian-speaking, Georgian, Chechen
    (5, (("ti", "en"), ("ti", "ar"))),  # Eritrean
    (5, (("ps", "fa"), ("fa", "en"), ("ps", "en"))),  # Afghan
    (6, (("ar", "en"), ("ku", "ar"))),  # Syrian, Iraqi
    (2, (("so", "en"), ("so", "ar"))),  # Somali
    (3, (("tr",), ("tr", "en"))),  # Turkish
    (6, (("fr",), ("fr", "ln"), ("fr", "en"))),  # French-speaking Africa
    (3, (("es",), ("es", "en"))),  # Latin American
    (2, (("pt", "es"),)),  # Brazilian
    (3, (("en",),)),  # English-speaking Africa and Asia
)

# NT2 level of a learner asking NT2 (None: not yet screened, needs an intake).
LEVEL_SHARES: tuple[tuple[str | None, float], ...] = (
    (None, 0.10),
    ("alfa", 0.12),
    ("1.1", 0.30),
    ("1.2", 0.26),
    ("2.1", 0.14),
    ("2.2", 0.08),
)

# level: sessions a week, periods a session, total hours, min size, max size
NT2_COURSES: dict[str, tuple[int, int, int, int, int]] = {
    "alfa": (3, 2, 90, 4, 8),  # CBE slow track for learners who cannot yet read
    "1.1": (4, 2, 120, 5, 12),  # CVO intensive module
    "1.2": (4, 2, 120, 5, 12),
    "2.1": (4, 2, 120, 4, 10),
    "2.2": (3, 2, 90, 4, 10),
}

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "fr": "French",
    "en": "English",
    "ru": "Russian",
    "ro": "Romanian",
    "ti": "Tigrinya",
    "ps": "Pashto",
    "sq": "Albanian",
}

NT2_TEACHER_NAMES: tuple[str, ...] = (
    "Els Vandamme",
    "Koen Declercq",
    "Sofie Vermeersch",
    "Pieter Desmet",
    "Hilde Verhaeghe",
    "Bart Lambrecht",
    "Lien Vanneste",
    "Tom Deprez",
    "Griet Coussement",
    "Wim Vandenberghe",
    "Katrien Dewulf",
    "Joris Maertens",
    "Ann Vercruysse",
    "Stijn Debruyne",
    "Nele Goethals",
    "Dirk Demeyere",
)
# MO trainers per course language: (name, languages spoken).
MO_TRAINERS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "ar": (("Youssef El Amrani", ("ar", "fr", "nl")), ("Karim Haddou", ("ar", "nl"))),
    "fr": (("Nadia Benali", ("fr", "ar", "en", "nl")), ("Claire Mukendi", ("fr", "ln", "nl"))),
    "en": (("Grace Mensah", ("en", "fr", "nl")), ("Ravi Sharma", ("en", "nl"))),
    "ru": (("Olga Smirnova", ("ru", "en", "nl")), ("Elena Ivanova", ("ru", "ro", "nl"))),
    "ro": (("Irina Popescu", ("ro", "fr", "nl")), ("Andrei Munteanu", ("ro", "ru", "nl"))),
    "ti": (("Samuel Tesfaye", ("ti", "en", "ar", "nl")), ("Helen Kidane", ("ti", "en", "nl"))),
    "ps": (("Ahmad Karimi", ("ps", "fa", "en", "nl")), ("Farid Noori", ("ps", "fa", "nl"))),
    "sq": (("Arben Hoxha", ("sq", "en", "nl")), ("Drita Berisha", ("sq", "it", "nl"))),
}
COUNSELLORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Fatima Ouali", ("nl", "ar", "fr", "en")),
    ("Mirela Dumitru", ("nl", "ro", "ru", "en", "es")),
    ("Blerta Krasniqi", ("nl", "sq", "it", "en", "tr")),
    ("Zahra Ahmadi", ("nl", "fa", "ps", "en")),
    ("Luam Haile", ("nl", "ti", "ar", "en")),
    ("Jan Vermeulen", ("nl", "fr", "en", "es", "pt", "pl")),
)
CVO = "CVO (adult-education centre)"
CBE = "CBE (basic-education centre)"
AGENCY = "Integration agency"

# Days on site by number of days; a teacher's days are fixed for the whole term.
DAY_PATTERNS: dict[int, tuple[tuple[str, ...], ...]] = {
    2: (("Mon", "Thu"), ("Tue", "Fri"), ("Wed", "Fri"), ("Tue", "Thu"), ("Mon", "Wed")),
    3: (("Mon", "Wed", "Thu"), ("Tue", "Thu", "Fri"), ("Mon", "Tue", "Thu"), ("Tue", "Wed", "Fri")),
    4: (("Mon", "Tue", "Thu", "Fri"), ("Tue", "Wed", "Thu", "Fri"), ("Mon", "Tue", "Wed", "Thu")),
}
# Weekly periods a teacher can give -> days on site.
LOAD_DAYS: dict[int, int] = {16: 4, 12: 3, 8: 2}
UNAVAILABILITY: tuple[tuple[str, str, str], ...] = (
    ("court hearing", "08:30", "11:30"),
    ("work shift (kitchen)", "13:00", "16:00"),
    ("medical (methadone dispensing)", "08:30", "09:30"),
    ("therapy group", "14:00", "16:00"),
)


def generate(
    profile: str, seed: int = 0, learners: int | None = None, internet: bool = True
) -> ProblemData:
    """A synthetic term for a prison of size ``profile`` (small, medium, large, haren, lab).

    Deterministic for (profile, seed, learners, internet). ``learners`` overrides the profile's
    count (staff and rooms scale with it); ``internet=False`` makes a prison without an internet
    line for education. Raises SchedulerError for an unknown profile or a count below 1.
    """
    if profile not in PROFILES:
        raise SchedulerError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if learners is not None and learners < 1:
        raise SchedulerError(f"learners must be at least 1, not {learners}")
    spec = PROFILES[profile]
    rng = random.Random(seed)
    count = spec.learners if learners is None else learners
    scale = count / spec.learners
    people, courses = _demand(profile, spec, rng, count, internet)
    staff = _staff(spec, rng, courses, people)
    rooms = _rooms(spec, scale, internet)
    data = ProblemData(
        settings=_settings(spec, seed, scale),
        periods=_periods(spec),
        sections=_sections(spec),
        regimes=_regimes(spec),
        rooms=rooms,
        internet_windows=_windows(spec) if internet else (),
        staff=staff,
        courses=courses,
        learners=people,
        closed_days=_closed_days(spec),
        separations=_separations(spec, rng, people, scale),
        room_unavailability=_room_unavailability(rooms),
        staff_availability=_staff_availability(rng, staff, spec),
        learner_unavailability=_learner_unavailability(rng, people, spec.days),
        weights=dict(DEFAULT_WEIGHTS),
    )
    if spec.scenarios:
        data = data.replace(scenarios=_scenarios(data))
    return data


def _demand(
    profile: str, spec: Profile, rng: random.Random, count: int, internet: bool
) -> tuple[tuple[Learner, ...], tuple[Course, ...]]:
    """The learners and the courses offered for what they ask."""
    people = _learners(spec, rng, count, internet)
    offered = _courses(profile, spec, internet)
    people = _top_up_levels(spec, rng, people, offered)
    people = _settle_mo_demand(spec, rng, people, _asked_for(spec, offered, people))
    return people, _asked_for(spec, offered, people)


def _settings(spec: Profile, seed: int, scale: float) -> Settings:
    moving = spec.max_groups_moving
    return Settings(
        prison=spec.prison,
        term_start=spec.term_start,
        term_end=TERM_END,
        teaching_days=spec.days,
        max_groups_moving=None if moving is None else max(1, math.ceil(moving * scale)),
        time_limit_s=spec.time_limit_s,
        seed=seed,
        intake_periods=spec.intake_periods,
        intake_weeks=spec.intake_weeks,
    )


def _periods(spec: Profile) -> tuple[Period, ...]:
    return tuple(
        Period(f"P{i + 1}", _t(start), _t(end)) for i, (start, end) in enumerate(spec.period_times)
    )


def _sections(spec: Profile) -> tuple[Section, ...]:
    gender = {"women": "F"}
    status = {"remand": "remand", "women": "mixed"}
    return tuple(
        Section(
            s.section,
            s.name,
            s.regime,
            gender.get(s.kind, "M"),
            status.get(s.kind, "sentenced"),
            s.zone,
        )
        for s in spec.sections
    )


def _regimes(spec: Profile) -> tuple[RegimeBlock, ...]:
    """The rows of every regime that some section follows, in first-use order."""
    used = list(dict.fromkeys(s.regime for s in spec.sections))
    return tuple(
        RegimeBlock(regime, day, _t(start), _t(end), activity)
        for regime in used
        for day, start, end, activity in (*_COMMON_BLOCKS, *REGIMES[regime])
    )


def _windows(spec: Profile) -> tuple[InternetWindow, ...]:
    return tuple(InternetWindow(day, _t(a), _t(b)) for day, a, b in spec.internet_windows)


def _weekday_on_or_after(date: dt.date) -> dt.date:
    while date.weekday() >= 5:
        date += dt.timedelta(days=1)
    return date


def _stay(rng: random.Random, start: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Arrival during the term for some; release during the term (early or late) for others."""
    arrival = None
    if rng.random() < 0.12:
        arrival = _weekday_on_or_after(start + dt.timedelta(days=rng.randrange(7, 70)))
    draw, release = rng.random(), None
    if draw < 0.06:  # too early to complete a course
        release = start + dt.timedelta(days=rng.randrange(14, 56))
    elif draw < 0.15:  # late in the term
        release = start + dt.timedelta(days=rng.randrange(70, 105))
    elif draw < 0.18:  # expected transfer soon after the term
        release = TERM_END + dt.timedelta(days=rng.randrange(7, 60))
    if arrival and release and release <= arrival + dt.timedelta(days=14):
        release = None
    return arrival, release


def _level(rng: random.Random, offered: tuple[str, ...]) -> str | None:
    """A level drawn from LEVEL_SHARES; a level the prison does not offer becomes the one below
    (``alfa`` is always offered)."""
    order = [lv for lv, _ in LEVEL_SHARES]
    level = rng.choices(order, [w for _, w in LEVEL_SHARES])[0]
    while level is not None and level not in offered:
        level = order[order.index(level) - 1]
    return level


def _learner(spec: Profile, rng: random.Random, number: int, internet: bool) -> Learner:
    section = rng.choices(spec.sections, [s.share for s in spec.sections])[0]
    origin = rng.choices(ORIGINS, [w for w, _ in ORIGINS])[0]
    languages = rng.choice(origin[1])
    wants = rng.choices((("NT2",), ("MO",), ("NT2", "MO")), (0.40, 0.22, 0.38))[0]
    level = _level(rng, spec.nt2_levels) if "NT2" in wants else None
    # Not yet screened for NT2: an intake is needed; a few others ask one too.
    intake = ("NT2" in wants and level is None) or rng.random() < 0.12
    internet_periods = rng.choices((0, 1, 2), (0.82, 0.12, 0.06))[0] if internet else 0
    priority = rng.choices((1, 2, 3, 4, 5), (0.05, 0.15, 0.55, 0.17, 0.08))[0]
    arrival, release = _stay(rng, spec.term_start)
    return Learner(
        f"L{number:04d}",
        section.section,
        languages,
        level,
        wants,
        intake,
        internet_periods,
        priority,
        arrival,
        release,
    )


def _learners(spec: Profile, rng: random.Random, count: int, internet: bool) -> tuple[Learner, ...]:
    return tuple(_learner(spec, rng, i + 1, internet) for i in range(count))


def _asks(course: Course, learner: Learner) -> bool:
    """The learner asked for the course's kind and fits it (level or language)."""
    if course.kind not in learner.wants:
        return False
    if course.kind == "NT2":
        return learner.nt2_level == course.level
    return course.language in learner.languages


def _courses(profile: str, spec: Profile, internet: bool) -> tuple[Course, ...]:
    """An NT2 course per level and an MO course per language the profile offers."""
    lab_seats = max((seats for _, seats in spec.labs), default=0)
    small = spec.learners <= 60  # small prisons run smaller groups
    out = []
    for level in spec.nt2_levels:
        sessions, periods, hours, low, high = (spec.nt2_courses or NT2_COURSES)[level]
        online = 1 if internet and level in INTERNET_LEVELS[profile] else 0
        low = 4 if small else low
        if online:
            low = min(low, lab_seats)
        org = "CBE" if level == "alfa" else "CVO"
        name = f"NT2 {level.capitalize() if level == 'alfa' else level} ({org})"
        max_groups = 1 if level == "alfa" and spec.learners <= 100 else None
        out.append(
            Course(
                f"NT2-{level}",
                "NT2",
                name,
                level,
                "nl",
                sessions,
                periods,
                hours,
                low,
                high,
                online,
                max_groups,
            )
        )
    for lang in spec.mo_languages:
        name = f"Civic orientation in {LANGUAGE_NAMES[lang]}"
        sessions, periods, hours = spec.mo_course
        low = 4 if small else 5
        out.append(Course(f"MO-{lang}", "MO", name, "", lang, sessions, periods, hours, low, 12))
    return tuple(out)


def _demand_by_side(
    course: Course, learners: Sequence[Learner], side_of: dict[str, str]
) -> Counter[str]:
    """Learners asking ``course``, counted by ``side_of`` their section."""
    return Counter(side_of[x.section] for x in learners if _asks(course, x))


def _top_up_levels(
    spec: Profile, rng: random.Random, learners: tuple[Learner, ...], courses: Sequence[Course]
) -> tuple[Learner, ...]:
    """Screen a few learners into a level that could not fill one group under one regime.

    Learners of one regime share their free time; a level whose demand is spread thin over the
    regimes gets learners of the nearest level, from the regime with most NT2 learners that can
    spare them, so that every NT2 course can form a group.
    """
    regime_of = {s.section: s.regime for s in spec.sections}
    out = list(learners)
    for course in (c for c in courses if c.kind == "NT2"):
        demand = _demand_by_side(course, out, regime_of)
        if max(demand.values(), default=0) >= course.min_size:
            continue
        nt2 = Counter(regime_of[x.section] for x in out if "NT2" in x.wants and x.nt2_level)
        for regime, _ in nt2.most_common():
            donors = _donors(rng, out, courses, course, regime, regime_of)
            needed = course.min_size + 1 - demand[regime]
            if len(donors) >= needed:
                for i in donors[:needed]:
                    out[i] = dataclasses.replace(out[i], nt2_level=course.level)
                break
    return tuple(out)


def _donors(
    rng: random.Random,
    learners: Sequence[Learner],
    courses: Sequence[Course],
    course: Course,
    regime: str,
    regime_of: dict[str, str],
) -> list[int]:
    """Learners under ``regime`` whose own level keeps a full group without them, nearest level
    first (the draw breaks ties)."""
    order = [lv for lv, _ in LEVEL_SHARES if lv is not None]
    minimum = {c.level: c.min_size for c in courses if c.kind == "NT2"}
    mine = [i for i, x in enumerate(learners) if regime_of[x.section] == regime]
    held = Counter(learners[i].nt2_level for i in mine)
    out: list[int] = []
    for level, n in held.items():
        if level and level != course.level and n > minimum.get(level, 0):
            out += [i for i in mine if learners[i].nt2_level == level][: n - minimum[level]]
    rng.shuffle(out)
    out.sort(
        key=lambda i: abs(
            order.index(learners[i].nt2_level or "") - order.index(course.level or "")
        )
    )
    return out


def _settle_mo_demand(
    spec: Profile, rng: random.Random, learners: Sequence[Learner], courses: Sequence[Course]
) -> tuple[Learner, ...]:
    """MO in a language no course is taught in is mostly not asked for: most such learners are
    told so at registration and ask NT2 only; a few stay on the list as unmet demand."""
    taught = {c.language for c in courses if c.kind == "MO"}
    out = []
    for x in learners:
        if "MO" in x.wants and not taught & set(x.languages) and rng.random() > 0.15:
            if x.wants == ("MO",):
                x = dataclasses.replace(x, wants=("NT2",), nt2_level=_level(rng, spec.nt2_levels))
            else:
                x = dataclasses.replace(x, wants=("NT2",))
        out.append(x)
    return tuple(out)


def _asked_for(
    spec: Profile, courses: Sequence[Course], learners: Sequence[Learner]
) -> tuple[Course, ...]:
    """NT2 courses somebody asks for; MO courses that can fill a group on some wing type (a
    coordinator offers MO in a language only where a group can start)."""
    side_of = _side_of(spec)
    out = []
    for c in courses:
        demand = _demand_by_side(c, learners, side_of)
        needed = c.min_size if c.kind == "MO" else 1
        if max(demand.values(), default=0) >= needed:
            out.append(c)
    return tuple(out)


def _side_of(spec: Profile) -> dict[str, str]:
    return {s.section: s.side for s in spec.sections}


def _first_mo_language(learner: Learner, offered: Sequence[str]) -> str | None:
    """The MO language the learner would take: their best language that is offered."""
    return next((lang for lang in learner.languages if lang in offered), None)


def _weekly_load(
    course: Course, learners: Sequence[Learner], side_of: dict[str, str], mo: Sequence[str]
) -> int:
    """Staff periods a week to run groups of average size for every wing type's demand."""
    demand: Counter[str] = Counter()
    for x in learners:
        if not _asks(course, x):
            continue
        if course.kind == "MO" and _first_mo_language(x, mo) != course.language:
            continue
        demand[side_of[x.section]] += 1
    size = (course.min_size + course.max_size) / 2
    groups = sum(math.ceil(d / size) for d in demand.values() if d >= course.min_size)
    return groups * course.sessions_per_week * course.session_periods


def _staff(
    spec: Profile, rng: random.Random, courses: Sequence[Course], learners: Sequence[Learner]
) -> tuple[Staff, ...]:
    side_of = _side_of(spec)
    mo = [c.language for c in courses if c.kind == "MO"]
    load = {c.course: _weekly_load(c, learners, side_of, mo) for c in courses}
    patterns = spec.day_patterns or DAY_PATTERNS
    return (
        *_nt2_teachers(rng, courses, load, patterns),
        *_mo_trainers(rng, courses, load, patterns),
        *_counsellors(rng, spec, learners, patterns),
    )


def _numbered(pool: Sequence[str], i: int) -> str:
    """The i-th fictional name, with a number once the pool is used up."""
    name = pool[i % len(pool)]
    return name if i < len(pool) else f"{name} {i // len(pool) + 1}"


def _nt2_teachers(
    rng: random.Random,
    courses: Sequence[Course],
    load: dict[str, int],
    patterns: Mapping[int, tuple[tuple[str, ...], ...]],
) -> list[Staff]:
    """CBE teachers for the alfa track, CVO teachers for the other levels."""
    alfa = [c.course for c in courses if c.kind == "NT2" and c.level == "alfa"]
    cvo = [c.course for c in courses if c.kind == "NT2" and c.level != "alfa"]
    out: list[Staff] = []

    def hire(org: str, teaches: tuple[str, ...], cap: int, days: tuple[str, ...]) -> None:
        name = _numbered(NT2_TEACHER_NAMES, len(out))
        out.append(
            Staff(
                f"T{len(out) + 1:02d}",
                name,
                "nt2_teacher",
                org,
                teaches,
                ("nl", "en", "fr"),
                cap,
                days,
            )
        )

    if alfa:
        for _ in range(max(1, math.ceil(STAFF_SHARE * load[alfa[0]] / 12))):
            hire(CBE, tuple(alfa), 12, rng.choice(patterns[3]))
    need = STAFF_SHARE * sum(load[c] for c in cvo)
    supply, k = 0, 0
    lower = tuple(c for c in cvo if c in ("NT2-1.1", "NT2-1.2"))
    while cvo and (k == 0 or supply < need):
        cap = (16, 12, 16, 8)[k % 4]
        # The first CVO teacher comes Mon-Thu, so that "also on Fridays" is a real what-if.
        days = ("Mon", "Tue", "Wed", "Thu") if k == 0 else rng.choice(patterns[LOAD_DAYS[cap]])
        # CVO teachers do not teach the CBE alfa track, so their courses are listed.
        hire(CVO, lower if k % 3 == 2 else tuple(cvo), cap, days)
        supply, k = supply + cap, k + 1
    return out


def _mo_trainers(
    rng: random.Random,
    courses: Sequence[Course],
    load: dict[str, int],
    patterns: Mapping[int, tuple[tuple[str, ...], ...]],
) -> list[Staff]:
    """At least one trainer per MO language offered, more where demand is high."""
    out: list[Staff] = []
    for course in (c for c in courses if c.kind == "MO"):
        pool = MO_TRAINERS[course.language]
        for j in range(max(1, round(STAFF_SHARE * load[course.course] / 8))):
            name = _numbered([n for n, _ in pool], j)
            languages = pool[j % len(pool)][1]
            out.append(
                Staff(
                    f"M{len(out) + 1:02d}",
                    name,
                    "mo_trainer",
                    AGENCY,
                    (),
                    languages,
                    (8, 12)[j % 2],
                    rng.choice(patterns[2]),
                )
            )
    return out


def _counsellors(
    rng: random.Random,
    spec: Profile,
    learners: Sequence[Learner],
    patterns: Mapping[int, tuple[tuple[str, ...], ...]],
) -> list[Staff]:
    """Trajectory counsellors for the intakes of the first weeks, several languages each."""
    intakes = sum(1 for x in learners if needs_intake(x))
    # Larger prisons have a second counsellor, so that more languages are covered.
    count = max(1 if len(learners) < 150 else 2, round(intakes / (spec.intake_weeks * 8)))
    out = []
    for i in range(count):
        name = _numbered([n for n, _ in COUNSELLORS], i)
        languages = COUNSELLORS[i % len(COUNSELLORS)][1]
        out.append(
            Staff(
                f"C{i + 1:02d}",
                name,
                "counsellor",
                AGENCY,
                (),
                languages,
                10,
                rng.choice(patterns[2]),
            )
        )
    return out


def _staff_availability(
    rng: random.Random, staff: Sequence[Staff], spec: Profile
) -> tuple[StaffAvailability, ...]:
    """About one teacher or trainer in four teaches elsewhere on the afternoon of one of their
    days."""
    times = [(_t(a), _t(b)) for a, b in spec.period_times]
    first, last = times[0][0], times[-1][1]
    noon = max(end for start, end in times if start < _t("12:00"))
    out = []
    for s in staff:
        if s.role == "counsellor" or rng.random() >= 0.25:
            continue
        morning_only = rng.choice(s.days)
        for day in s.days:
            end = noon if day == morning_only else last
            out.append(StaffAvailability(s.staff, day, first, end))
    return tuple(out)


def _rooms(spec: Profile, scale: float, internet: bool) -> tuple[Room, ...]:
    """Classrooms (some kept for one house), computer labs and interview rooms."""
    out = []
    for i in range(max(1, round(len(spec.classrooms) * scale))):
        seats, zone, side = spec.classrooms[i % len(spec.classrooms)]
        allowed = tuple(s.section for s in spec.sections if s.side == side) if side else ()
        out.append(Room(f"CL{i + 1}", f"Classroom {i + 1}", "classroom", seats, 0, zone, allowed))
    for i, (seats, online) in enumerate(spec.labs):
        name = f"Computer room {i + 1}"
        out.append(
            Room(f"LAB{i + 1}", name, "computer_lab", seats, online if internet else 0, "central")
        )
    for i in range(max(1, round(spec.interview_rooms * scale))):
        out.append(Room(f"IR{i + 1}", f"Interview room {i + 1}", "interview", 3, 0, "central"))
    return tuple(out)


def _room_unavailability(rooms: Sequence[Room]) -> tuple[RoomUnavailability, ...]:
    """Rooms shared with worship, lawyers' visits, the psychosocial service and ICT upkeep."""
    ids = {r.room for r in rooms}
    rows = (
        ("CL1", "Sun", "09:30", "11:00", "chapel: Sunday service"),
        ("CL2", "Fri", "13:00", "15:00", "multi-faith room: Friday prayer"),
        ("IR1", "Tue", "08:30", "11:30", "lawyers' visits"),
        ("IR1", "Thu", "13:00", "16:00", "lawyers' visits"),
        ("IR2", "Wed", "08:30", "10:30", "psychosocial service"),
        ("LAB1", "Mon", "08:30", "10:30", "ICT maintenance"),
    )
    return tuple(
        RoomUnavailability(room, day, _t(a), _t(b), why)
        for room, day, a, b, why in rows
        if room in ids
    )


def _closed_days(spec: Profile) -> tuple[ClosedDay, ...]:
    out = [ClosedDay(STRIKE_DAY, "strike"), ClosedDay(EASTER_MONDAY, "holiday")]
    if spec.partial_strike:
        remand = tuple(s.section for s in spec.sections if s.side == "remand")
        out.append(ClosedDay(SECOND_STRIKE_DAY, "strike", remand))
        workers = next(s.section for s in spec.sections if s.kind == "workers")
        out.append(ClosedDay(dt.date(2027, 3, 10), "lockdown", (workers,)))  # cell search
    return tuple(sorted(out, key=lambda c: c.date))


def _separations(
    spec: Profile, rng: random.Random, learners: Sequence[Learner], scale: float
) -> tuple[Separation, ...]:
    """Remand apart from sentenced, men apart from women, and contact bans."""
    side_of = _side_of(spec)
    ids = [s.section for s in spec.sections]
    out = [
        Separation(a, b, "remand and sentenced kept apart")
        for a in ids
        for b in ids
        if side_of[a] == "remand" and side_of[b] == "sentenced"
    ]
    out += [
        Separation(w, m, "men and women kept apart")
        for w in ids
        for m in ids
        if side_of[w] == "women" and side_of[m] != "women"
    ]
    out += _contact_bans(rng, learners, side_of, round(spec.contact_bans * scale))
    if spec.partial_strike:
        out += _protection(rng, spec, learners)
    return tuple(out)


def _contact_bans(
    rng: random.Random, learners: Sequence[Learner], side_of: dict[str, str], count: int
) -> list[Separation]:
    """Co-accused remand detainees whom the investigating judge keeps apart."""
    remand = [x.learner for x in learners if side_of[x.section] == "remand"]
    pairs: list[tuple[str, str]] = []
    for _ in range(count * 3):  # a few draws more than needed, as some repeat
        if len(remand) < 2 or len(pairs) == count:
            break
        first, second = sorted(rng.sample(remand, 2))
        pair = (first, second)
        if pair not in pairs:
            pairs.append(pair)
    return [Separation(a, b, "contact ban: co-accused (investigating judge)") for a, b in pairs]


def _protection(rng: random.Random, spec: Profile, learners: Sequence[Learner]) -> list[Separation]:
    """One worker kept apart from a community wing after threats."""
    workers = [x.learner for x in learners if x.section in _kind(spec, "workers")]
    wings = _kind(spec, "community")
    if not workers or not wings:
        return []
    wing = rng.choice(wings)
    return [Separation(rng.choice(workers), wing, f"protection: kept apart from wing {wing}")]


def _kind(spec: Profile, kind: str) -> list[str]:
    return [s.section for s in spec.sections if s.kind == kind]


def _learner_unavailability(
    rng: random.Random, learners: Sequence[Learner], days: Sequence[str]
) -> tuple[LearnerUnavailability, ...]:
    """A weekly court hearing, work shift, medical round or therapy group for a few learners."""
    out = []
    for x in learners:
        if rng.random() < 0.05:
            reason, start, end = rng.choice(UNAVAILABILITY)
            day = rng.choice(days)
            out.append(LearnerUnavailability(x.learner, day, _t(start), _t(end), reason))
    return tuple(out)


def _scenarios(data: ProblemData) -> tuple[ScenarioRow, ...]:
    """What-ifs a coordinator asks: another classroom, a teacher on Fridays too, a strike week in
    March, a longer internet window, bigger groups."""
    rows = [
        ScenarioRow(
            "extra-classroom",
            "Rooms",
            "",
            "",
            f"room=CL{_classrooms(data) + 1}; name=Classroom {_classrooms(data) + 1} "
            "(former visiting room); kind=classroom; seats=10; internet_seats=0; zone=central",
            "add",
        )
    ]
    teacher = next((s for s in data.staff if s.role == "nt2_teacher" and "Fri" not in s.days), None)
    if teacher is not None:
        days = ",".join(d for d in WEEKDAYS if d in teacher.days or d == "Fri")
        rows.append(ScenarioRow("teacher-friday", "Staff", teacher.staff, "days", days, "set"))
    week = [dt.date(2027, 3, 15) + dt.timedelta(days=k) for k in range(5)]
    rows += [
        ScenarioRow(
            "strike-week-march", "ClosedDays", "", "", f"date={d.isoformat()}; reason=strike", "add"
        )
        for d in week
    ]
    # A window that one hour earlier would cover one more whole period (not a lunch break).
    window = next(
        (
            w
            for w in data.internet_windows
            if any(w.start - 60 <= p.start and p.end <= w.start for p in data.periods)
        ),
        None,
    )
    if window is not None:  # a prison without internet has no window to extend
        key = f"day={window.day}; start={fmt_time(window.start)}"
        earlier = fmt_time(window.start - 60)
        rows.append(ScenarioRow("internet-longer", "InternetWindows", key, "start", earlier, "set"))
    rows += [
        ScenarioRow("bigger-groups", "Courses", c.course, "max_size", str(c.max_size + 2), "set")
        for c in data.courses
        if c.kind == "NT2" and c.level in ("1.1", "1.2")
    ]
    return tuple(rows)


def _classrooms(data: ProblemData) -> int:
    return sum(1 for r in data.rooms if r.kind == "classroom")
