"""The enforcer that parses each matcher once and keeps its evaluator decides exactly as Casbin's own enforcer
does, on random requests (whole policy and per-pair enforcers, each evaluator reused across the examples), and
refuses a matcher that is not an expression."""

from __future__ import annotations

import dataclasses

import casbin  # type: ignore[import-untyped]
import pytest
from casbin.persist.adapters import StringAdapter  # type: ignore[import-untyped]
from hypothesis import given, settings
from test_access_properties import requests

from sealkeeper.access import AccessRequest, AccessRole, load_policy
from sealkeeper.access.errors import PolicyDataError
from sealkeeper.access.pdp import _Context, _Subject, listed_purpose
from sealkeeper.access.policy import _Enforcer, _parsed, read_data


def stock_policy() -> object:
    model = casbin.Model()
    model.load_model_from_text(read_data("model.conf"))
    stock = casbin.Enforcer(model, StringAdapter(read_data("policy.csv")))
    assert not isinstance(stock, _Enforcer)
    return dataclasses.replace(load_policy(), enforcer=stock, _by_pair={})


STOCK = stock_policy()


@settings(max_examples=400, deadline=None)
@given(requests)
def test_decisions_match_casbins_own_enforcer(request: AccessRequest) -> None:
    policy = load_policy()
    assert isinstance(policy.enforcer, _Enforcer)
    account, context = request.account, request.context
    ctx = _Context(context.at, listed_purpose(context.purpose, policy), context.case_number, context.grant)
    roles: list[AccessRole | None] = [role for role in AccessRole if role in account.roles]
    for role in roles or [None]:
        sub = _Subject(account.id, str(role or ""), frozenset(account.roles), account.subject, account.jurisdictions,
                       account.represents)  # fmt: skip
        action = str(request.action)
        expected = STOCK.enforce(sub, action, request.resource, ctx, whole=True)  # type: ignore[attr-defined]
        assert policy.enforce(sub, action, request.resource, ctx, whole=True) == expected
        assert policy.enforce(sub, action, request.resource, ctx) == expected


def test_a_matcher_that_is_not_an_expression_is_refused() -> None:
    with pytest.raises(PolicyDataError):
        _parsed("x = 1")
    assert _parsed("a && !b || c != d") is _parsed("a && !b || c != d")  # parsed once, then kept


def test_an_evaluator_is_kept_and_given_each_calls_functions() -> None:
    enforcer = load_policy().enforcer
    first, second = {"f": len}, {"f": str}
    kept = enforcer._get_expression("f(r_x) == 1", first)
    assert enforcer._get_expression("f(r_x) == 1", second) is kept
    assert kept.functions is second
    assert kept.eval({"r_x": 1}) is False  # str(1) == 1: the second call's function, not the first's
