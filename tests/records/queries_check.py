"""The Queries sheet's SQL run on the database, compared with the figures pandas computed."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from scheduler.records import figures as fg
from scheduler.records.db import connect
from scheduler.records.report import all_queries


def _nonzero(pairs) -> dict:
    out = {}
    for key, value in pairs:
        if value:
            out[key] = round(float(value), 2)
    return out


def assert_queries_agree(url: str, first: dt.date, last: dt.date, prison: str | None = None) -> int:
    """Run every query of the report of ``first`` .. ``last`` and compare it with the pandas
    figures of its sheet; return how many queries were checked."""
    engine = connect(url)
    with engine.connect() as conn:
        rec = fg.load(conn, first, last, prison)
        reach = fg.reach(rec)
        months = fg.months(rec)
        delivery = fg.delivery(rec)
        checked = 0
        for sheet, figure, period, sql in all_queries(first, last, prison):
            result = conn.execute(sa.text(sql)).all()
            if sheet == "Delivery":
                got = _nonzero(((r[0], r[1]), r[2]) for r in result)
                want = _nonzero(
                    ((r.prison, r.month), getattr(r, figure)) for r in delivery.itertuples()
                )
            else:
                frame = reach if sheet == "Reach" else months[months["month"] == period]
                got = _nonzero((tuple(r[:3]), r[3]) for r in result)
                want = _nonzero(
                    ((r.prison, r.kind, r.language_or_level), getattr(r, figure))
                    for r in frame.itertuples()
                )
            assert got == want, (sheet, figure, period, got, want)
            checked += 1
    engine.dispose()
    return checked
