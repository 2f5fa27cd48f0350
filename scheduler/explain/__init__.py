"""Why a learner waits, and what it would take (``scheduler explain``)."""
