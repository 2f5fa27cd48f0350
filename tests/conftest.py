"""Shared test set-up: messages in English unless a test asks for a language.

The code's messages are English msgids translated at run time (scheduler.i18n); most tests
assert English text, so SCHEDULER_LANG=en is set for every test, and the language chosen with
--lang or read from a workbook is forgotten after each test.
"""

from __future__ import annotations

import os

import pytest

from scheduler import i18n

# Module- and session-scoped fixtures run before the per-test fixture below: English for them too
# (and for subprocesses the tests start).
os.environ[i18n.ENVIRONMENT] = "en"


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(i18n.ENVIRONMENT, "en")
    yield
    i18n.set_language(None)
    i18n.use_workbook_language(None)
