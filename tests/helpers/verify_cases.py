"""A tiny term, a valid timetable for it, and a table of deliberately broken copies.

Term: Mon 2027-01-11 .. Fri 2027-02-05 (4 weeks); six periods P1..P6 (08:30, 09:30, 10:30,
13:00, 14:00, 15:00; 50 minutes each). Wed 13 Jan is closed for the prison, Tue 19 Jan for
section B only. Escorts move one group per period (max_groups_moving = 1).

Sections: A (regime R1: Mon P1-P2 work, a meal that blocks no period), B (regime R2: P6 visits
every day). L0002 is away Wed P3 (court hearing).
Rooms: C1 (6 seats, unavailable all Monday), C2 (4 seats, section A only), LAB (3 internet
seats, unavailable Fri P1), LAB2 (2 internet seats), I1 (interview, unavailable Tue afternoon),
I2 (interview, section A only). Internet windows: Tue P1-P3, Thu P4-P6, Fri P1-P3.
Staff: T1 (NT2, Mon-Thu, max 4), T2 (NT2, Fri, teaches NT2-1.1), M1 (MO ar, max 2, only Thu
P1-P3), M2 (MO fr), C1 (counsellor ar/fr, Mon-Tue, max 1 a week), C2 (counsellor ar/ro).
Separations: L0002/L0005, B/L0008, L0001/L0007, L0004/L0006.
Lock: group MO-ar-1 stays on Thursday.

Valid timetable:
- NT2-1.1-1 (T1; L0001 L0002 L0003): Tue P1-P2 in LAB with internet, Wed P1-P2 in C1.
- MO-ar-1 (M1; L0003 L0004 L0005): Thu P1-P2 in C1.
- Intakes with C1 in I1 on Mon P3: L0004 in week 1, L0006 in week 2 (separated, but never in the
  same week).
- Internet: L0001 and L0008 Thu P4, L0006 and L0007 Tue P3, L0007 Thu P5, all in LAB.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from scheduler.data import (
    ClosedDay,
    Course,
    InternetWindow,
    Learner,
    LearnerUnavailability,
    Lock,
    Period,
    ProblemData,
    RegimeBlock,
    Room,
    RoomUnavailability,
    Section,
    Separation,
    Settings,
    Staff,
    StaffAvailability,
)
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution


def valid_data() -> ProblemData:
    """The tiny term described in the module docstring."""
    starts = (510, 570, 630, 780, 840, 900)
    return ProblemData(
        settings=Settings(
            "Test prison", dt.date(2027, 1, 11), dt.date(2027, 2, 5), max_groups_moving=1
        ),
        periods=tuple(Period(f"P{i + 1}", s, s + 50) for i, s in enumerate(starts)),
        sections=(
            Section("A", "A wing", "R1", "M", "sentenced"),
            Section("B", "B wing", "R2", "M", "remand"),
        ),
        regimes=(
            RegimeBlock("R1", "Mon", 510, 620, "work"),
            RegimeBlock("R1", "all", 720, 780, "meal"),
            RegimeBlock("R2", "all", 900, 960, "visit"),
        ),
        rooms=(
            Room("C1", "Class 1", "classroom", 6),
            Room("C2", "Class 2", "classroom", 4, sections=("A",)),
            Room("LAB", "Computer lab", "computer_lab", 6, 3),
            Room("LAB2", "Small lab", "computer_lab", 6, 2),
            Room("I1", "Interview 1", "interview", 1),
            Room("I2", "Interview 2", "interview", 1, sections=("A",)),
        ),
        internet_windows=(
            InternetWindow("Tue", 510, 680),
            InternetWindow("Thu", 780, 950),
            InternetWindow("Fri", 510, 680),
        ),
        staff=(
            Staff(
                "T1",
                "Teacher 1",
                "nt2_teacher",
                days=("Mon", "Tue", "Wed", "Thu"),
                max_periods_per_week=4,
            ),
            Staff("T2", "Teacher 2", "nt2_teacher", teaches=("NT2-1.1",), days=("Fri",)),
            Staff("M1", "Trainer 1", "mo_trainer", languages=("ar",), max_periods_per_week=2),
            Staff("M2", "Trainer 2", "mo_trainer", languages=("fr",)),
            Staff(
                "C1",
                "Counsellor 1",
                "counsellor",
                languages=("ar", "fr"),
                days=("Mon", "Tue"),
                max_periods_per_week=1,
            ),
            Staff("C2", "Counsellor 2", "counsellor", languages=("ar", "ro")),
        ),  # fmt: skip
        courses=(
            Course("NT2-1.1", "NT2", "NT2 1.1", "1.1", "nl", 2, 2, 40, 1, 3, 1, max_groups=1),
            Course("MO-ar", "MO", "MO Arabic", "", "ar", 1, 2, 20, 1, 3),
            Course("MO-fr", "MO", "MO French", "", "fr", 1, 2, 20, 1, 3),
        ),
        learners=(
            Learner("L0001", "A", ("ar",), "1.1", ("NT2",), internet_periods=1),
            Learner("L0002", "A", ("fr",), "1.1", ("NT2",), intake=True, internet_periods=1),
            Learner("L0003", "A", ("ar", "fr"), "1.1", ("NT2", "MO")),
            Learner("L0004", "B", ("ar",), None, ("MO",), intake=True),
            Learner("L0005", "B", ("ar",), None, ("MO",)),
            Learner("L0006", "A", ("ar",), None, ("NT2",), internet_periods=1),
            Learner(
                "L0007", "B", ("ro", "en"), "1.1", ("NT2", "MO"), intake=True, internet_periods=2
            ),
            Learner("L0008", "A", ("fr",), "1.2", ("NT2",), internet_periods=1),
            Learner("L0009", "B", ("ar",), None, ("MO",), release=dt.date(2027, 1, 11)),
            Learner("L0010", "A", ("nl", "fr"), "1.1", ("NT2", "MO"), internet_periods=1),
            Learner("L0011", "B", ("ar",), None, ("MO",)),
        ),  # fmt: skip
        closed_days=(
            ClosedDay(dt.date(2027, 1, 13), "strike"),
            ClosedDay(dt.date(2027, 1, 19), "lockdown", ("B",)),
        ),
        separations=(
            Separation("L0002", "L0005", "co-accused"),
            Separation("B", "L0008", "contact ban"),
            Separation("L0001", "L0007", "co-accused"),
            Separation("L0004", "L0006", "co-accused"),
        ),
        room_unavailability=(
            RoomUnavailability("C1", "Mon", 510, 960, "chapel"),
            RoomUnavailability("LAB", "Fri", 510, 560, "maintenance"),
            RoomUnavailability("I1", "Tue", 780, 960, "lawyers"),
        ),
        staff_availability=(StaffAvailability("M1", "Thu", 510, 680),),
        learner_unavailability=(LearnerUnavailability("L0002", "Wed", 630, 700, "court"),),
        locks=(Lock(group="MO-ar-1", day="Thu"),),
    )


def valid_solution() -> Solution:
    """The hand-made timetable of the module docstring; it breaks no rule."""
    return Solution(
        groups=(
            Group("NT2-1.1-1", "NT2-1.1", "T1", ("L0001", "L0002", "L0003")),
            Group("MO-ar-1", "MO-ar", "M1", ("L0003", "L0004", "L0005")),
        ),
        sessions=(
            Session("NT2-1.1-1", "NT2-1.1", "Tue", "P1", 2, "LAB", "T1", internet=True),
            Session("NT2-1.1-1", "NT2-1.1", "Wed", "P1", 2, "C1", "T1"),
            Session("MO-ar-1", "MO-ar", "Thu", "P1", 2, "C1", "M1"),
        ),
        intakes=(
            Intake("L0004", 1, "Mon", "P3", 1, "I1", "C1", "ar"),
            Intake("L0006", 2, "Mon", "P3", 1, "I1", "C1", "ar"),
        ),
        internet=(
            InternetBooking("L0001", "Thu", "P4", "LAB"),
            InternetBooking("L0008", "Thu", "P4", "LAB"),
            InternetBooking("L0006", "Tue", "P3", "LAB"),
            InternetBooking("L0007", "Tue", "P3", "LAB"),
            InternetBooking("L0007", "Thu", "P5", "LAB"),
        ),
    )


# Building blocks for broken copies --------------------------------------------------------------

Term = tuple[ProblemData, Solution]
Break = Callable[[ProblemData, Solution], Term]

NT2_TUE, NT2_WED, MO_THU = 0, 1, 2  # session positions in valid_solution()
INTAKE_L0004, INTAKE_L0006 = 0, 1
BOOK_L0001_THU, BOOK_L0008_THU, BOOK_L0006_TUE, BOOK_L0007_TUE, BOOK_L0007_THU = range(5)


def _at(items: tuple, index: int, **changes) -> tuple:
    """``items`` with the item at ``index`` changed."""
    return items[:index] + (dataclasses.replace(items[index], **changes),) + items[index + 1 :]


def session(index: int, **changes) -> Break:
    return lambda d, s: (d, dataclasses.replace(s, sessions=_at(s.sessions, index, **changes)))


def intake(index: int, **changes) -> Break:
    return lambda d, s: (d, dataclasses.replace(s, intakes=_at(s.intakes, index, **changes)))


def booking(index: int, **changes) -> Break:
    return lambda d, s: (d, dataclasses.replace(s, internet=_at(s.internet, index, **changes)))


def group(gid: str, **changes) -> Break:
    """Change the group ``gid``."""

    def apply(d: ProblemData, s: Solution) -> Term:
        index = [g.group for g in s.groups].index(gid)
        return d, dataclasses.replace(s, groups=_at(s.groups, index, **changes))

    return apply


def rename(old: str, new: str) -> Break:
    """Give group ``old`` and its sessions the id ``new``."""

    def apply(d: ProblemData, s: Solution) -> Term:
        groups = tuple(dataclasses.replace(g, group=new) if g.group == old else g for g in s.groups)
        sessions = tuple(
            dataclasses.replace(x, group=new) if x.group == old else x for x in s.sessions
        )
        return d, dataclasses.replace(s, groups=groups, sessions=sessions)

    return apply


def add(**extra: tuple) -> Break:
    """Append items to the solution's tuples (groups=, sessions=, intakes=, internet=)."""

    def apply(d: ProblemData, s: Solution) -> Term:
        changes = {k: getattr(s, k) + v for k, v in extra.items()}
        return d, dataclasses.replace(s, **changes)

    return apply


def drop_session(index: int) -> Break:
    return lambda d, s: (
        d,
        dataclasses.replace(s, sessions=s.sessions[:index] + s.sessions[index + 1 :]),
    )


def data_row(sheet: str, key: str, **changes) -> Break:
    """Change the record whose id is ``key`` in ``sheet`` of the term (not the timetable)."""

    def apply(d: ProblemData, s: Solution) -> Term:
        rows = getattr(d, sheet)
        index = [getattr(r, dataclasses.fields(r)[0].name) for r in rows].index(key)
        return d.replace(**{sheet: _at(rows, index, **changes)}), s

    return apply


def both(*breaks: Break) -> Break:
    """Apply several breaks in turn."""

    def apply(d: ProblemData, s: Solution) -> Term:
        for b in breaks:
            d, s = b(d, s)
        return d, s

    return apply


def members(gid: str, *learners: str) -> Break:
    return group(gid, members=learners)


MO_FR = Group("MO-fr-1", "MO-fr", "M2", ("L0010",))


def mo_fr(day: str, period: str, room: str, learner: str = "L0010") -> Break:
    """Add an MO-fr group of one learner with M2 and its one session."""
    return add(
        groups=(dataclasses.replace(MO_FR, members=(learner,)),),
        sessions=(Session("MO-fr-1", "MO-fr", day, period, 2, room, "M2"),),
    )


class Case(NamedTuple):
    """A broken copy: ``rule`` is the rule it breaks, ``rules`` every rule that must fire (exactly
    these), ``needle`` text that the details of ``rule`` must show (the offending id)."""

    name: str
    rule: str
    rules: frozenset[str]
    needle: str
    apply: Break


def case(name: str, rules: str, needle: str, apply: Break) -> Case:
    """``rules``: the rule broken first, then any rule the break necessarily breaks too."""
    ids = rules.split()
    return Case(name, ids[0], frozenset(ids), needle, apply)


# One comment per case says why any second rule must fire too.
CASES: tuple[Case, ...] = (
    # group_course
    case("unknown course", "group_course session_count", "NT2-9.9", group("NT2-1.1-1", course="NT2-9.9")),  # its sessions now name another course
    case("group number 0", "group_course locks", "MO-ar-0", rename("MO-ar-1", "MO-ar-0")),  # the lock names MO-ar-1
    case("group number not a number", "group_course", "NT2-1.1-x", rename("NT2-1.1-1", "NT2-1.1-x")),
    case("group number with a leading zero", "group_course", "NT2-1.1-01", rename("NT2-1.1-1", "NT2-1.1-01")),
    case("group id of another course", "group_course", "MO-ar-2", rename("NT2-1.1-1", "MO-ar-2")),
    case("group id used twice", "group_course max_groups one_group_per_kind", "NT2-1.1-1", add(groups=(valid_solution().groups[0],))),  # the copy is a second NT2 group of the same learners
    # group_members
    case("unknown member", "group_members", "L9999", members("NT2-1.1-1", "L0001", "L9999", "L0003")),
    case("member of another level", "group_members", "L0008", members("NT2-1.1-1", "L0001", "L0008", "L0003")),
    case("member without a level", "group_members", "L0006", members("NT2-1.1-1", "L0001", "L0006", "L0003")),
    case("member does not speak the language", "group_members", "L0007", members("MO-ar-1", "L0003", "L0004", "L0007")),
    case("member did not ask for the kind", "group_members", "L0001", members("MO-ar-1", "L0003", "L0004", "L0001")),
    case("member released before the term", "group_members", "L0009", members("MO-ar-1", "L0003", "L0004", "L0009")),
    case("member listed twice", "group_members", "L0004", members("MO-ar-1", "L0003", "L0004", "L0004")),
    # group_size
    case("empty group", "group_size", "MO-ar-1", members("MO-ar-1")),
    case("group too big", "group_size", "MO-ar-1", members("MO-ar-1", "L0003", "L0004", "L0005", "L0011")),
    # max_groups
    case("second group of a one-group course", "max_groups", "NT2-1.1", add(
        groups=(Group("NT2-1.1-2", "NT2-1.1", "T2", ("L0010",)),),
        sessions=(
            Session("NT2-1.1-2", "NT2-1.1", "Fri", "P2", 2, "LAB", "T2", internet=True),
            Session("NT2-1.1-2", "NT2-1.1", "Fri", "P4", 2, "C1", "T2"),
        ),
    )),
    # one_group_per_kind
    case("two MO groups", "one_group_per_kind", "L0003", mo_fr("Fri", "P4", "C2", learner="L0003")),
    # session_count
    case("a session missing", "session_count", "NT2-1.1-1", drop_session(NT2_WED)),
    case("a session too many", "session_count staff_load", "NT2-1.1-1", add(sessions=(
        Session("NT2-1.1-1", "NT2-1.1", "Mon", "P5", 2, "C2", "T1"),
    ))),  # T1 already works their maximum
    case("a session across the meal gap", "learner_regime", "the gap Mon 11:20-13:00", session(NT2_WED, day="Mon", period="P3", room="C2")),  # R1's meal 12:00-13:00 lies in the gap P3-P4
    case("session too short", "session_count", "NT2-1.1-1", session(NT2_WED, periods=1)),
    case("session past the end of the day", "session_count", "P6", session(NT2_WED, period="P6")),
    case("session at an unknown period", "session_count", "P9", session(NT2_WED, period="P9")),
    case("session of zero periods", "session_count", "NT2-1.1-1", session(NT2_WED, periods=0)),
    case("session on a Saturday", "session_count staff_availability", "Sat", session(NT2_WED, day="Sat")),  # T1 comes Mon-Thu
    case("session names another course", "session_count", "MO-ar", session(NT2_WED, course="MO-ar")),
    case("session of an unknown group", "session_count", "NT2-1.1-7", add(sessions=(
        Session("NT2-1.1-7", "NT2-1.1", "Fri", "P4", 2, "C1", "T2"),
    ))),
    # internet_sessions
    case("no internet session", "internet_sessions", "NT2-1.1-1", session(NT2_TUE, internet=False)),
    case("two internet sessions", "internet_sessions", "NT2-1.1-1", session(NT2_WED, internet=True)),
    case("internet session outside the windows", "internet_sessions", "Mon P5", session(NT2_TUE, day="Mon", period="P5")),
    case("internet session in a classroom", "internet_sessions", "C1", session(NT2_TUE, room="C1")),
    case("internet session with too few internet seats", "internet_sessions", "LAB", data_row("rooms", "LAB", internet_seats=2)),
    # session_room
    case("session in an unknown room", "session_room", "X9", session(NT2_WED, room="X9")),
    case("session in an interview room", "session_room", "I1", session(NT2_WED, room="I1")),
    case("session room too small", "session_room", "C1", data_row("rooms", "C1", seats=2)),
    case("session room closed to the section", "session_room", "C2", session(MO_THU, room="C2")),
    case("session room unavailable", "session_room", "C1", session(NT2_WED, day="Mon", period="P5")),
    # room_clash
    case("two sessions in one room", "room_clash", "MO-fr-1", mo_fr("Thu", "P2", "C1")),
    case("internet booking during a session", "room_clash", "L0006", booking(BOOK_L0006_TUE, period="P2")),
    case("more bookings than internet seats", "room_clash", "LAB", add(internet=(
        InternetBooking("L0010", "Thu", "P4", "LAB"),
        InternetBooking("L0002", "Thu", "P4", "LAB"),
    ))),
    case("two intakes in one room", "room_clash", "I1", add(intakes=(
        Intake("L0007", 1, "Mon", "P3", 1, "I1", "C2", "ro"),
    ))),
    # staff_role
    case("unknown staff", "staff_role", "T9", both(
        group("NT2-1.1-1", staff="T9"), session(NT2_TUE, staff="T9"), session(NT2_WED, staff="T9")
    )),
    case("trainer teaches NT2", "staff_role", "M2", both(
        group("NT2-1.1-1", staff="M2"), session(NT2_TUE, staff="M2"), session(NT2_WED, staff="M2")
    )),
    case("trainer does not speak the language", "staff_role", "M2", both(
        group("MO-ar-1", staff="M2"), session(MO_THU, staff="M2")
    )),
    case("teacher does not teach the course", "staff_role", "T1", data_row("staff", "T1", teaches=("NT2-2.1",))),
    case("session with another staff member", "staff_role", "M2", session(NT2_WED, staff="M2")),
    # staff_availability
    case("teacher on a day off", "staff_availability", "T1", session(NT2_WED, day="Fri")),
    case("trainer outside their window", "staff_availability", "M1", session(MO_THU, period="P4")),
    case("counsellor on a day off", "staff_availability", "C1", intake(INTAKE_L0004, day="Thu")),
    # staff_load
    case("counsellor over their week", "staff_load", "C1", intake(INTAKE_L0006, week=1, period="P4")),
    case("teacher over their week", "staff_load", "T1", data_row("staff", "T1", max_periods_per_week=3)),
    case("longer session", "staff_load session_count", "T1", session(NT2_WED, period="P4", periods=3)),  # T1 already works their maximum
    # staff_clash
    case("teacher in two rooms", "staff_clash learner_clash", "T1", session(NT2_WED, day="Tue", period="P2")),  # one group: its learners clash too
    case("counsellor with two intakes", "staff_clash staff_load", "C1", add(intakes=(
        Intake("L0002", 1, "Mon", "P3", 1, "I2", "C1", "fr"),
    ))),  # C1 may hold one intake period a week
    # learner_regime
    case("session during the section's work", "learner_regime", "L0001", session(NT2_WED, day="Mon", room="C2")),
    case("session during a court hearing", "learner_regime", "L0002", session(NT2_WED, period="P2")),
    case("intake during visits", "learner_regime", "L0004", intake(INTAKE_L0004, period="P6")),
    case("internet during visits", "learner_regime", "L0007", booking(BOOK_L0007_THU, period="P6")),
    # learner_clash
    case("two groups at once", "learner_clash", "L0003", session(NT2_WED, day="Thu", period="P2", room="C2")),
    case("internet during a class", "learner_clash", "L0001", booking(BOOK_L0001_THU, day="Tue", period="P1", room="LAB2")),
    case("intake during internet", "learner_clash", "L0006", intake(INTAKE_L0006, day="Tue")),
    # separation
    case("co-accused in one group", "separation", "L0007", members("NT2-1.1-1", "L0001", "L0007", "L0003")),
    case("contact ban in the lab", "separation", "L0008", booking(BOOK_L0008_THU, period="P5")),
    case("co-accused intakes in one week", "separation room_clash", "L0006", intake(INTAKE_L0006, week=1, staff="C2")),  # one interview room
    # escorts
    case("two groups start at once", "escorts", "Thu P1", mo_fr("Thu", "P1", "C2")),
    # intake
    case("intake not needed", "intake", "L0001", add(intakes=(Intake("L0001", 1, "Mon", "P4", 1, "I1", "C2", "ar"),))),
    case("second intake", "intake", "L0004", add(intakes=(Intake("L0004", 2, "Mon", "P4", 1, "I1", "C2", "ar"),))),
    case("intake too long", "intake", "L0004", intake(INTAKE_L0004, periods=2, staff="C2")),
    case("intake at an unknown period", "intake", "P0", intake(INTAKE_L0004, period="P0")),
    case("intake after the intake weeks", "intake", "week 3", intake(INTAKE_L0006, week=3)),
    case("intake in week 0", "intake", "week 0", intake(INTAKE_L0006, week=0)),
    case("intake on a day closed for the section", "intake", "2027-01-19", intake(INTAKE_L0004, week=2, day="Tue", staff="C2")),
    case("intake on a day closed for the prison", "intake", "2027-01-13", intake(INTAKE_L0004, day="Wed", staff="C2")),
    case("intake on a day not in the term", "intake staff_availability", "Xyz", intake(INTAKE_L0004, day="Xyz", staff="C2")),  # nobody works on it
    case("intake before arrival", "intake", "L0006", data_row("learners", "L0006", arrival=dt.date(2027, 1, 19))),
    case("intake in a lab", "intake", "LAB", intake(INTAKE_L0004, room="LAB")),
    case("intake in a room closed to the section", "intake", "I2", intake(INTAKE_L0004, room="I2")),
    case("intake in an unavailable room", "intake", "I1", intake(INTAKE_L0004, day="Tue", period="P4")),
    case("intake in an unknown room", "intake", "X9", intake(INTAKE_L0004, room="X9")),
    case("intake with a trainer", "intake", "M2", intake(INTAKE_L0004, staff="M2")),
    case("intake with unknown staff", "intake", "C9", intake(INTAKE_L0004, staff="C9")),
    case("counsellor does not speak the language", "intake", "en", add(intakes=(Intake("L0007", 1, "Mon", "P4", 1, "I1", "C2", "en"),))),
    case("learner does not speak the language", "intake", "fr", intake(INTAKE_L0004, language="fr")),
    case("intake of an unknown learner", "intake", "L9999", add(intakes=(Intake("L9999", 1, "Mon", "P4", 1, "I1", "C2", "ar"),))),
    # internet_booking
    case("internet not asked for", "internet_booking", "L0003", add(internet=(InternetBooking("L0003", "Tue", "P3", "LAB"),))),
    case("more internet than asked", "internet_booking", "L0001", add(internet=(InternetBooking("L0001", "Fri", "P3", "LAB"),))),
    case("two internet periods on one day", "internet_booking", "L0007", booking(BOOK_L0007_THU, day="Tue", period="P1", room="LAB2")),
    case("internet outside the windows", "internet_booking", "L0008", booking(BOOK_L0008_THU, day="Wed")),
    case("internet at an unknown period", "internet_booking", "P0", booking(BOOK_L0008_THU, period="P0")),
    case("internet in a classroom", "internet_booking room_clash", "C2", booking(BOOK_L0008_THU, room="C2")),  # a classroom has no internet seats
    case("internet in a lab without internet seats", "internet_booking room_clash", "LAB2", both(
        data_row("rooms", "LAB2", internet_seats=0), booking(BOOK_L0008_THU, room="LAB2")
    )),  # a booking beyond zero seats is also one too many for the room
    case("internet in a lab closed to the section", "internet_booking", "L0007", data_row("rooms", "LAB", sections=("A",))),
    case("internet in an unavailable lab", "internet_booking", "LAB", booking(BOOK_L0008_THU, day="Fri", period="P1")),
    case("internet in an unknown room", "internet_booking", "X9", booking(BOOK_L0008_THU, room="X9")),
    case("internet of an unknown learner", "internet_booking", "L9999", add(internet=(InternetBooking("L9999", "Tue", "P3", "LAB"),))),
    # locks
    case("lock nobody kept", "locks", "Fri", lambda d, s: (d.replace(locks=d.locks + (Lock(course="NT2-1.1", day="Fri"),)), s)),
    case("locked session dropped", "locks session_count", "MO-ar-1", drop_session(MO_THU)),  # the group lacks its session
    case("locked session moved", "locks staff_availability", "MO-ar-1", session(MO_THU, day="Wed", period="P4")),  # M1 works only Thursdays
)  # fmt: skip
