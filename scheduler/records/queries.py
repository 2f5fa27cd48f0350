"""One portable SQL query per figure of the reach report (its Queries sheet).

Each query returns the key columns of its sheet and the figure, one row per key that has a
non-zero value; run on the records database (SQLite or PostgreSQL alike) it reproduces the
figure the report computed with pandas (``scheduler.records.figures`` states the definitions).
Dates are written into the text as ISO literals (they come from ``datetime.date`` objects, and
the prison name is quoted, so nothing else can enter the SQL).
"""

from __future__ import annotations

import datetime as dt

from scheduler.records.figures import CAUSES, CODE_COLUMNS, EPSILON

KEYS = "prison, kind, language_or_level"
GROUP_JOIN = (
    "JOIN groups g ON g.group_id = s.group_id "
    "JOIN terms t ON t.term_id = g.term_id "
    "JOIN prisons p ON p.prison_id = t.prison_id"
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _where_prison(prison: str | None) -> str:
    return f" AND p.name = {_quote(prison)}" if prison else ""


def _present(first: dt.date | None, last: dt.date, prison: str | None) -> str:
    """Every P of the row's sessions up to ``last`` (from ``first`` when given)."""
    since = f" AND s.date >= '{first.isoformat()}'" if first else ""
    return (
        "SELECT p.name AS prison, g.kind, g.language_or_level, a.learner_id, s.date, s.hours, "
        "t.completion_share * g.total_hours AS need "
        "FROM attendance a JOIN sessions s ON s.session_id = a.session_id "
        f"{GROUP_JOIN} "
        f"WHERE a.code = 'P' AND s.date <= '{last.isoformat()}'{since}{_where_prison(prison)}"
    )


def _same(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} = {b}.{c}" for c in (*KEYS.split(", "), "learner_id"))


def reach_queries(first: dt.date, last: dt.date, prison: str | None = None) -> dict[str, str]:
    """Figure name -> SQL, for the Reach sheet of ``first`` .. ``last``."""
    period = _present(first, last, prison)
    to_date = _present(None, last, prison)
    f, l_ = first.isoformat(), last.isoformat()
    status = (
        f"WITH present AS ({to_date}), "
        f"started AS (SELECT DISTINCT {KEYS}, learner_id FROM present WHERE date >= '{f}'), "
        f"hours AS (SELECT {KEYS}, learner_id, SUM(hours) AS hours, MAX(need) AS need "
        f"FROM present GROUP BY {KEYS}, learner_id), "
        f"unfinished AS (SELECT st.prison, st.kind, st.language_or_level, st.learner_id "
        f"FROM started st JOIN hours h ON {_same('h', 'st')} WHERE h.hours + {EPSILON} < h.need), "
        "ends AS (SELECT s.group_id, MAX(s.date) AS group_end FROM sessions s "
        f"WHERE s.date BETWEEN '{f}' AND '{l_}' GROUP BY s.group_id), "
        "running AS (SELECT DISTINCT p.name AS prison, g.kind, g.language_or_level, m.learner_id "
        "FROM memberships m JOIN ends e ON e.group_id = m.group_id "
        "JOIN groups g ON g.group_id = m.group_id JOIN terms t ON t.term_id = g.term_id "
        "JOIN prisons p ON p.prison_id = t.prison_id "
        "WHERE m.from_date <= e.group_end AND e.group_end <= m.to_date) "
    )
    return {
        "reached": _reached(first, last, prison),
        "started": f"SELECT {KEYS}, COUNT(DISTINCT learner_id) AS started FROM ({period}) x "
        f"GROUP BY {KEYS}",
        "sessions_attended": f"SELECT {KEYS}, COUNT(*) AS sessions_attended FROM ({period}) x "
        f"GROUP BY {KEYS}",
        "hours_attended": f"SELECT {KEYS}, SUM(hours) AS hours_attended FROM ({period}) x "
        f"GROUP BY {KEYS}",
        "completed": f"WITH present AS ({to_date}), "
        f"started AS (SELECT DISTINCT {KEYS}, learner_id FROM present WHERE date >= '{f}'), "
        f"hours AS (SELECT {KEYS}, learner_id, SUM(hours) AS hours, MAX(need) AS need "
        f"FROM present GROUP BY {KEYS}, learner_id) "
        "SELECT h.prison, h.kind, h.language_or_level, COUNT(*) AS completed "
        f"FROM hours h JOIN started st ON {_same('h', 'st')} "
        f"WHERE h.hours + {EPSILON} >= h.need GROUP BY h.prison, h.kind, h.language_or_level",
        "still_running": status
        + "SELECT u.prison, u.kind, u.language_or_level, COUNT(*) AS still_running "
        f"FROM unfinished u JOIN running r ON {_same('r', 'u')} "
        "GROUP BY u.prison, u.kind, u.language_or_level",
        "dropped": status + "SELECT u.prison, u.kind, u.language_or_level, COUNT(*) AS dropped "
        f"FROM unfinished u LEFT JOIN running r ON {_same('r', 'u')} "
        "WHERE r.learner_id IS NULL GROUP BY u.prison, u.kind, u.language_or_level",
    }


def _reached(first: dt.date, last: dt.date, prison: str | None) -> str:
    f, l_ = first.isoformat(), last.isoformat()
    interviewed = (
        "SELECT DISTINCT p.name AS prison, g.kind, g.language_or_level, m.learner_id "
        "FROM memberships m JOIN groups g ON g.group_id = m.group_id "
        "JOIN terms t ON t.term_id = g.term_id JOIN prisons p ON p.prison_id = t.prison_id "
        "JOIN intakes i ON i.learner_id = m.learner_id "
        f"WHERE i.held = 1 AND i.date BETWEEN '{f}' AND '{l_}' "
        f"AND m.from_date <= '{l_}' AND m.to_date >= '{f}'{_where_prison(prison)}"
    )
    return (
        f"WITH present AS ({_present(first, last, prison)}), "
        f"interviewed AS ({interviewed}), "
        f"touched AS (SELECT {KEYS}, learner_id FROM present "
        f"UNION SELECT {KEYS}, learner_id FROM interviewed) "
        f"SELECT {KEYS}, COUNT(DISTINCT learner_id) AS reached FROM touched GROUP BY {KEYS} "
        "UNION ALL "
        "SELECT p.name AS prison, 'intake' AS kind, i.language AS language_or_level, "
        "COUNT(DISTINCT i.learner_id) AS reached "
        "FROM intakes i JOIN learners l ON l.learner_id = i.learner_id "
        "JOIN prisons p ON p.prison_id = l.prison_id "
        f"WHERE i.held = 1 AND i.date BETWEEN '{f}' AND '{l_}'{_where_prison(prison)} "
        "GROUP BY p.name, i.language"
    )


def delivery_queries(first: dt.date, last: dt.date, prison: str | None = None) -> dict[str, str]:
    """Figure name -> SQL, for the Delivery sheet (keys: prison, month)."""
    where = f"WHERE s.date BETWEEN '{first.isoformat()}' AND '{last.isoformat()}'"
    where += _where_prison(prison)
    base = f"FROM sessions s {GROUP_JOIN} {where} GROUP BY p.name, s.month"
    out = {
        "planned": f"SELECT p.name AS prison, s.month, COUNT(*) AS planned {base}",
        "held": f"SELECT p.name AS prison, s.month, SUM(s.held) AS held {base}",
        "not_held": f"SELECT p.name AS prison, s.month, SUM(1 - s.held) AS not_held {base}",
        "closed_day": "SELECT p.name AS prison, s.month, "
        f"SUM(CASE WHEN s.cause LIKE 'closed%' THEN 1 ELSE 0 END) AS closed_day {base}",
    }
    for cause in CAUSES:
        name = cause.replace(" ", "_")
        out[name] = (
            "SELECT p.name AS prison, s.month, "
            f"SUM(CASE WHEN s.cause = {_quote(cause)} THEN 1 ELSE 0 END) AS {name} {base}"
        )
    for code, name in CODE_COLUMNS.items():
        out[name] = (
            f"SELECT p.name AS prison, s.month, COUNT(*) AS {name} "
            f"FROM attendance a JOIN sessions s ON s.session_id = a.session_id {GROUP_JOIN} "
            f"{where} AND a.code = '{code}' GROUP BY p.name, s.month"
        )
    return out
