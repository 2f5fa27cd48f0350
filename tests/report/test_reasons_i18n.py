"""The Waiting sheet's reasons and unblock texts in the coordinator's language.

Every sentence ``scheduler.report.reasons`` produces is a catalogue message: in Dutch each row's
reason and unblock differ from the English ones, every message used has a Dutch translation,
and the typed claims (and reason codes) are the same whatever the language.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from scheduler import i18n
from scheduler.report import reasons
from scheduler.report.reasons import waiting
from scheduler.search.greedy import greedy
from tests.helpers.timetable_fixture import tiny_data, tiny_solution
from tests.report.test_reason_claims import _one_free_slot_term, _timetable, terms

# Dutch writes these messages as English does.
SAME_IN_DUTCH = {
    "in {group}",
    "trainer",
    "week 1",
    "regime {regime}: {activity}",
    "{learner} is {often}",
}


class _Recorder:
    """Wraps the module's ``_`` and ``_n`` to note every msgid a run asks for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.used: set[str] = set()
        real, real_n = reasons._, reasons._n

        def one(msgid: str, /, **params: object) -> str:
            self.used.add(msgid)
            return real(msgid, **params)

        def counted(singular: str, plural: str, n: int, /, **params: object) -> str:
            self.used.add(singular)
            return real_n(singular, plural, n, **params)

        monkeypatch.setattr(reasons, "_", one)
        monkeypatch.setattr(reasons, "_n", counted)


def _in(lang: str, data, solution):
    i18n.set_language(lang)
    try:
        return waiting(data, solution)
    finally:
        i18n.set_language(None)


def _assert_dutch(data, solution) -> int:
    """Every row's reason and unblock differ in Dutch from English; codes and claims do not."""
    english, dutch = _in("en", data, solution), _in("nl", data, solution)
    assert len(english) == len(dutch)
    for en, nl in zip(english, dutch, strict=True):
        assert (en.learner, en.wants, en.reason_code) == (nl.learner, nl.wants, nl.reason_code)
        assert en.claims == nl.claims  # typed, language-free: the property test re-derives them
        assert nl.reason != en.reason, (en.reason, nl.reason)
        assert nl.unblock != en.unblock, (en.unblock, nl.unblock)
    return len(dutch)


def _assert_translated(used: set[str]) -> None:
    dutch = i18n.catalogue("nl")
    for msgid in used:
        assert msgid in SAME_IN_DUTCH or dutch.gettext(msgid) != msgid, msgid


def test_the_fixtures_reasons_are_dutch(monkeypatch):
    recorder = _Recorder(monkeypatch)
    assert _assert_dutch(tiny_data(), tiny_solution()) > 3
    assert _assert_dutch(_one_free_slot_term(max_groups_moving=1), _timetable("T2")) >= 1
    assert _assert_dutch(_one_free_slot_term(), _timetable("T1")) >= 1
    _assert_translated(recorder.used)
    assert len(recorder.used) > 15


def test_a_dutch_reason_reads_as_dutch():
    i18n.set_language("nl")
    rows = {(w.learner, w.wants): w for w in waiting(tiny_data(), tiny_solution())}
    assert rows[("L0006", "intake")].reason == "geen consulent spreekt ti"
    assert rows[("L0007", "NT2")].reason == "er wordt geen cursus NT2 1.2 aangeboden"
    assert rows[("L0007", "NT2")].reason_code == "no_group_at_level"  # the contract's code


def test_french_reasons_differ_from_english():
    english = _in("en", tiny_data(), tiny_solution())
    french = _in("fr", tiny_data(), tiny_solution())
    assert all(f.reason != e.reason for e, f in zip(english, french, strict=True))


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms())
def test_every_reason_of_random_terms_is_dutch(data):
    with pytest.MonkeyPatch.context() as monkeypatch:
        recorder = _Recorder(monkeypatch)
        _assert_dutch(data, greedy(data))
        _assert_translated(recorder.used)
