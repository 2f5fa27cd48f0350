"""The hard rules' sentences (``scheduler.verify.RULES``) in the coordinator's language.

The verifier stays independent and English on purpose; the sentences are marked here for the
catalogues, and ``rule_sentence`` shows a rule's sentence (Diagnostics sheet, ``scheduler
check``). A sentence changed in verify.py without being changed here is shown in English, and
``tests/report/test_check_i18n.py`` fails.
"""

from __future__ import annotations

from scheduler.i18n import N_, _

SENTENCES = (
    # group_course
    N_(
        "Every group belongs to a known course and is numbered <course>-1, -2, ... without repeats."
    ),
    # group_members
    N_(
        "Group members exist, asked for the course, have its level or speak its language,"
        " and are in prison during the term."
    ),
    # group_size
    N_("Every group has between the course's minimum and maximum number of members."),
    # max_groups
    N_("No course runs more parallel groups than its max_groups."),
    # one_group_per_kind
    N_("A learner is in at most one NT2 group and at most one MO group."),
    # session_count
    N_(
        "Every group has its weekly number of sessions, each of the course's length, "
        "within the day, on a teaching day."
    ),
    # internet_sessions
    N_(
        "The course's internet sessions are held in a computer lab, inside internet "
        "windows, with an internet seat for every member."
    ),
    # session_room
    N_(
        "Sessions are in a classroom or computer lab that seats the group, is open to its"
        " sections and is not in use for something else."
    ),
    # room_clash
    N_(
        "A room holds one session at a time, no internet bookings during a session, no "
        "more bookings than internet seats and one intake at a time."
    ),
    # staff_role
    N_(
        "Each group is taught by one staff member of the right role, language and "
        "courses, at every session."
    ),
    # staff_availability
    N_("Staff work only on their days and inside their availability windows."),
    # staff_load
    N_("Nobody works more periods in a week than their max_periods_per_week."),
    # staff_clash
    N_("A staff member never has two sessions, or two intakes, at the same time."),
    # learner_regime
    N_(
        "No learner is scheduled while their wing's regime or their own unavailability blocks them."
    ),
    # learner_clash
    N_("No learner has two things at the same time (sessions, internet bookings, intake)."),
    # separation
    N_("People who must be kept apart never share a group or a room at the same time."),
    # escorts
    N_("No more group sessions start in one period than the escorts can move."),
    # intake
    N_(
        "Intakes go to learners who need one, once, in an interview room with a "
        "counsellor who speaks their language, on an open date in their first weeks from "
        "arrival."
    ),
    # internet_booking
    N_(
        "Internet bookings go to learners who asked, at most their number a week and one "
        "a day, one period inside an internet window, in a lab with internet seats."
    ),
    # locks
    N_(
        "Every locked session is still where it was locked, and every pinned learner is "
        "in their group."
    ),
)


def rule_sentence(description: str) -> str:
    """``description`` (one of verify.RULES) in the current language."""
    return _(description) if description else description
