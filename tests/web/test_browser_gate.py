"""The browser tests skip only outside CI; in CI a missing browser fails them."""

from __future__ import annotations

import pytest

from tests.helpers.web import browser_unavailable


def test_outside_ci_a_missing_browser_skips_with_the_way_to_install_it(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"bash \.ci/browser"):
        browser_unavailable("/usr/bin/chromium is missing")


def test_in_ci_a_missing_browser_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser_unavailable("/usr/bin/chromium is missing")
