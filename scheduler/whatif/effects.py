"""What a scenario changes, in the words a coordinator reads: the key figures that moved most
against base, and whether a move is larger than the search's own noise.

The noise of a term is what ``base-again`` measures: the base searched again, unchanged. A
difference to base no larger than base-again's difference for the same figure may come from the
search alone, not from the scenario's change, and is marked *within noise*.

Figure labels are the stable keys of ``scheduler.report.figures`` (English, the same in every
scenario); ``figure_label`` shows one in the coordinator's language, through the figures' own
words (``figure_words``) for Overview's figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.i18n import N_, _, language
from scheduler.report.figures import figure_words

Number = int | float

# Figures the compare adds to those of Overview (see compare._figures).
LEARNERS_PLACED = "learners placed"  # learners with at least one group place
COURSES_PLACED = "learner-courses placed"  # group places: what the solver rewards
HOURS_DELIVERED = "hours delivered over the term"  # every group's hours, summed
STAFF_DAYS = "staff days a week"  # (staff member, day) pairs with a session
INTAKE_DAYS = "counsellor days for intakes"  # (counsellor, week, day) with an intake
COMPLETING = "placed learner-courses completing before release"

# What a coordinator asks first: shown whenever they change.
HEADLINE: tuple[str, ...] = (LEARNERS_PLACED, COMPLETING, HOURS_DELIVERED, STAFF_DAYS)
# The figures the Summary weighs, most telling first (the order breaks ties in size).
KEY_FIGURES: tuple[str, ...] = (
    *HEADLINE,
    COURSES_PLACED,
    "NT2 placed",
    "MO placed",
    "intakes held",
    "internet periods booked",
    "hours per placed learner (average)",
    "groups formed",
    "weekly sessions",
    "classroom use %",
    "computer lab use %",
)

# The words of the figures the compare adds; Overview's own figures have theirs in
# scheduler.report.figures.figure_words.
OWN_LABELS = {
    LEARNERS_PLACED: N_("learners placed"),
    COURSES_PLACED: N_("learner-courses placed"),
    HOURS_DELIVERED: N_("hours delivered over the term"),
    STAFF_DAYS: N_("staff days a week"),
    INTAKE_DAYS: N_("counsellor days for intakes"),
    "groups formed": N_("groups formed"),
    "weekly sessions": N_("weekly sessions"),
    "objective": N_("objective"),
}


def figure_label(label: str) -> str:
    """``label`` in the coordinator's language (an unknown label is shown as it is)."""
    if label in OWN_LABELS:
        return _(OWN_LABELS[label])
    return figure_words(label)


@dataclass(frozen=True)
class Change:
    """One key figure of one scenario against base."""

    figure: str  # the stable label
    base: Number
    value: Number
    noise: Number | None  # |base-again - base| for this figure; None when not measured

    @property
    def difference(self) -> Number:
        diff = self.value - self.base
        return round(diff, 2) if isinstance(diff, float) else diff

    @property
    def within_noise(self) -> bool:
        """No larger than what the search alone moved it (base vs base-again)."""
        return self.noise is not None and abs(self.difference) <= self.noise + 1e-9

    @property
    def size(self) -> float:
        """How large the change is, relative to the base value (so that hours and counts
        compare): 74 -> 25 is 0.66, 68 -> 69 is 0.015."""
        return abs(self.difference) / max(abs(self.base), 1)


def _number(value: object) -> Number | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def noise_of(base: Mapping[str, object], control: Mapping[str, object] | None) -> dict[str, Number]:
    """Figure -> |base-again - base| for every figure both have; empty without a control."""
    out: dict[str, Number] = {}
    for label, value in (control or {}).items():
        a, b = _number(value), _number(base.get(label))
        if a is not None and b is not None:
            diff = abs(a - b)
            out[label] = round(diff, 2) if isinstance(diff, float) else diff
    return out


def key_changes(
    figures: Mapping[str, object],
    base: Mapping[str, object],
    noise: Mapping[str, Number] | None,
    most: int = 6,
) -> list[Change]:
    """The key figures of a scenario that differ from base: every HEADLINE figure that changed,
    then the largest other changes up to ``most`` in all; those beyond the noise first, each
    group largest first (ties in the order of KEY_FIGURES). ``noise`` None: not measured (no
    control), so nothing is within it."""
    changes = []
    for label in KEY_FIGURES:
        value, ref = _number(figures.get(label)), _number(base.get(label))
        if value is None or ref is None:
            continue
        change = Change(label, ref, value, None if noise is None else noise.get(label, 0))
        if change.difference != 0:
            changes.append(change)

    def order(c: Change) -> tuple[bool, float]:
        return c.within_noise, -c.size

    # the headline figures always show: a +4 placed must not hide behind +7 % lab use
    shown = [c for c in changes if c.figure in HEADLINE]
    others = sorted((c for c in changes if c.figure not in HEADLINE), key=order)
    shown += others[: max(0, most - len(shown))]
    return sorted(shown, key=order)  # stable: KEY_FIGURES breaks ties


def effect_size(changes: Sequence[Change]) -> float:
    """A scenario's largest change beyond the noise (0 when every change is within it)."""
    return max((c.size for c in changes if not c.within_noise), default=0.0)


def show_number(value: Number) -> str:
    """A figure as a coordinator reads it: whole numbers plain, others to at most two
    decimals, with a decimal comma in Dutch and French."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value) if isinstance(value, int) else f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language() in ("nl", "fr") else text


def show_difference(value: Number) -> str:
    """``+3``, ``−49`` (a real minus sign), ``0``."""
    if value == 0:
        return "0"
    return ("+" if value > 0 else "\u2212") + show_number(abs(value))


def sentence(scenario: str, change: Change) -> str:
    """``Staking week 3: completing before release 74 → 25 (−49)``."""
    return _(
        "{scenario}: {figure} {base} → {value} ({difference})",
        scenario=scenario,
        figure=figure_label(change.figure),
        base=show_number(change.base),
        value=show_number(change.value),
        difference=show_difference(change.difference),
    )
