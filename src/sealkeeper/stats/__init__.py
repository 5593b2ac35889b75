"""Privacy-preserving statistics (issue 8): differentially private releases (OpenDP) with a persisted
budget, and cross-agency totals under homomorphic encryption (TenSEAL BFV).

The modules here are pure: no database, no files, no network, no clock. The store, the ledger and the HTTP
parties are in ``services/stats*.py``.
"""
