"""The policy decision point under concurrent callers (the service answers from a thread pool)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from access_helpers import T, account

from sealkeeper.access import NO_RESOURCE, AccessRequest, AccessRole, Action, Context, decide


def test_concurrent_decisions_are_the_same_as_one_at_a_time() -> None:
    requests = [
        AccessRequest(account(role), action, NO_RESOURCE, Context(T))
        for role in (AccessRole.CLERK, AccessRole.AUDITOR, AccessRole.ADMINISTRATOR, AccessRole.SUPERVISOR)
        for action in (Action.VIEW_QUEUE, Action.READ_LEDGER, Action.MANAGE_ACCOUNTS, Action.RUN_SEALING)
    ]
    alone = [(d.allowed, d.rules) for d in map(decide, requests)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        together = list(pool.map(lambda _: [(d.allowed, d.rules) for d in map(decide, requests)], range(64)))
    assert all(run == alone for run in together)
    assert not any("default.policy_error" in rules for run in together for _, rules in run)
