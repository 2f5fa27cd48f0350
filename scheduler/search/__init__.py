"""The search: how a solve is run (params), the solver phases and the neighbourhood search."""
