"""Use cases: the only place that ties adapters (files, later the store) to the pure core."""
