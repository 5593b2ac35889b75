"""The access policy as data: loaded once from the package (``data/``) and checked for consistency.

``model.conf`` and ``policy.csv`` are a Casbin model and policy; ``texts.toml`` holds the short texts of the
rules and the legal reasons that may delay a notice; ``certificates.toml`` the certificate rules per pack
(``sealkeeper.access.certificates``). Reading the package's own files is the only I/O here.
"""

from __future__ import annotations

import ast
import functools
import re
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import casbin  # type: ignore[import-untyped]
from casbin.persist.adapters import StringAdapter  # type: ignore[import-untyped]
from casbin.util.expression import SimpleEval  # type: ignore[import-untyped]

from sealkeeper.access.errors import PolicyDataError
from sealkeeper.access.vocabulary import AccessRole, Action

#: Casbin's enforcers are not thread-safe (16 threads gave spurious policy errors); the service serves requests
#: from a thread pool, so every evaluation holds this lock.
_CASBIN = threading.RLock()

DEFAULT_DENY = "default.deny"
POLICY_ERROR = "default.policy_error"
EFFECTS = frozenset({"allow", "deny"})
OBLIGATIONS = frozenset({"notify_subject"})
_COLUMNS = 8  # priority, rule, role, act, cond, eft, obl, cite


def read_data(name: str) -> str:
    return resources.files("sealkeeper.access").joinpath("data").joinpath(name).read_text("utf-8")


def read_toml(name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(read_data(name))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyDataError(f"access policy {name}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    priority: int
    role: str
    action: str
    effect: str
    obligations: tuple[str, ...]
    citation: str
    text: str
    text_zh: str


@dataclass(frozen=True, slots=True)
class DelayReason:
    key: str
    citation: str
    text: str
    text_zh: str


@dataclass(frozen=True, slots=True)
class Policy:
    """The whole policy (``enforcer``) and, built on first use, one enforcer per (role, action) holding only the
    rules whose role and action columns cover that pair: the same first-match decisions (a rule left out could
    never match), without evaluating every other rule's condition on each request."""

    enforcer: Any  # casbin.Enforcer (untyped library)
    rules: Mapping[str, Rule]
    judicial_purposes: frozenset[str]
    certificate_purposes: frozenset[str]  # every pack's, from certificates.toml
    delay_reasons: Mapping[str, DelayReason]
    action_classes: Mapping[str, frozenset[str]]  # class -> its actions
    role_classes: Mapping[str, frozenset[str]]  # class -> its roles
    model_text: str = ""
    _by_pair: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)

    def enforce(
        self, sub: Any, action: str, resource: object, context: object, *, whole: bool = False
    ) -> tuple[bool, str]:
        """One Casbin evaluation of (sub, act, res, ctx) for the account acting as ``sub.role``: (allowed, id of
        the rule that decided). ``whole``: on the whole policy rather than the pair's rules (for tests)."""
        key = (str(sub.role), action)
        with _CASBIN:  # a Casbin enforcer keeps evaluation state on itself: one evaluation at a time
            enforcer = self.enforcer if whole else self._by_pair.get(key)
            if enforcer is None:
                enforcer = self._by_pair.setdefault(key, self._pair_enforcer(*key))
            allowed, explain = enforcer.enforce_ex(sub, action, resource, context)
        return bool(allowed), str(explain[1]) if explain else DEFAULT_DENY

    def _pair_enforcer(self, role: str, action: str) -> Any:
        rows = [
            row
            for row in self.enforcer.get_policy()
            if (row[2] == "*" or role in self.roles_of(row[2])) and action in self.actions_of(row[3])
        ]
        lines = [", ".join(["p", *row]) for row in rows]
        for ptype in ("g", "g2", "g3"):
            lines += [", ".join([ptype, *pair]) for pair in self.enforcer.get_named_grouping_policy(ptype)]
        return _enforcer(self.model_text, "\n".join(lines))

    def actions_of(self, name: str) -> frozenset[str]:
        """The actions a rule's action column covers (an action, a class, or ``*``)."""
        if name == "*":
            return frozenset(Action)
        return self.action_classes.get(name, frozenset({name}))

    def roles_of(self, name: str) -> frozenset[str]:
        if name == "*":
            return frozenset(AccessRole)
        return self.role_classes.get(name, frozenset({name}))


def _groups(enforcer: Any, ptype: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for member, group in enforcer.get_named_grouping_policy(ptype):
        out.setdefault(group, set()).add(member)
    return {group: frozenset(members) for group, members in out.items()}


def _rule(row: list[str], texts: Mapping[str, Any]) -> Rule:
    if len(row) != _COLUMNS:
        raise PolicyDataError(f"access policy policy.csv: a rule has {len(row)} columns, not {_COLUMNS}: {row[:2]}")
    priority, rule_id, role, action, _cond, effect, obligations, citation = row
    if effect not in EFFECTS:
        raise PolicyDataError(f"access policy rule {rule_id}: effect {effect!r} is not allow or deny")
    duties = () if obligations == "-" else tuple(obligations.split())
    if set(duties) - OBLIGATIONS:
        raise PolicyDataError(f"access policy rule {rule_id}: unknown obligation in {obligations!r}")
    text = texts.get(rule_id)
    if text is None:
        raise PolicyDataError(f"access policy rule {rule_id}: no text in texts.toml")
    return Rule(rule_id, int(priority), role, action, effect, duties, citation, text["en"], text["zh"])


def _check_names(policy: Policy) -> None:
    for rule in policy.rules.values():
        unknown_actions = policy.actions_of(rule.action) - set(Action)
        unknown_roles = policy.roles_of(rule.role) - set(AccessRole)
        if unknown_actions or unknown_roles:
            names = sorted(unknown_actions | unknown_roles)
            raise PolicyDataError(f"access policy rule {rule.id}: unknown action or role {names}")


@functools.lru_cache(maxsize=4096)
def _parsed(expr: str) -> ast.expr:
    """A matcher expression as Casbin's ``CoreEnforcer._get_expression`` rewrites and parses it."""
    text = re.sub(r"!(?!=)", "not ", expr.replace("&&", "and").replace("||", "or"))
    statement = ast.parse(text.strip()).body[0]
    if not isinstance(statement, ast.Expr):
        raise PolicyDataError("access policy: a matcher is not an expression")
    return statement.value


class _Enforcer(casbin.Enforcer):  # type: ignore[misc] # an untyped library's class
    """Casbin's enforcer, parsing each matcher expression once and keeping its evaluator. Casbin parses the
    matcher (with the rule's condition put in for ``eval(p.cond)``) and builds a new evaluator for every rule
    on every request: together most of a decision's time. The evaluator is kept by the expression's text (the
    policy's conditions are few) and given the call's own functions each time, as a new one would be given
    them; its names are the call's own anyway (``eval(names)``). It is used only under ``_CASBIN`` (one
    evaluation at a time)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._evaluators: dict[str, Any] = {}

    def _get_expression(self, expr: str, functions: Any = None) -> Any:
        evaluator = self._evaluators.get(expr)
        if evaluator is None:
            evaluator = SimpleEval("", functions)
            evaluator.expr = expr
            evaluator.ast_parsed_value = _parsed(expr)
            if len(self._evaluators) < _EVALUATORS:
                self._evaluators[expr] = evaluator
            return evaluator
        evaluator.functions = functions
        functions.update(list=list, tuple=tuple, dict=dict, set=set)  # as simpleeval's constructor adds them
        return evaluator


_EVALUATORS = 4096  # expressions kept per enforcer: the policy's conditions, a few hundred at most


def _enforcer(model_text: str, policy_text: str) -> Any:
    model = casbin.Model()
    model.load_model_from_text(model_text)
    return _Enforcer(model, StringAdapter(policy_text))


@functools.cache
def load_policy() -> Policy:
    """The policy shipped in the package (loaded and checked once)."""
    model_text = read_data("model.conf")
    enforcer = _enforcer(model_text, read_data("policy.csv"))
    texts = read_toml("texts.toml")
    rule_texts: dict[str, Any] = texts.get("rules", {})
    rules: dict[str, Rule] = {}
    for row in enforcer.get_policy():
        rule = _rule(row, rule_texts)
        if rule.id in rules:
            raise PolicyDataError(f"access policy rule {rule.id}: defined twice")
        rules[rule.id] = rule
    if DEFAULT_DENY not in rules:
        raise PolicyDataError(f"access policy: the catch-all rule {DEFAULT_DENY} is missing")
    spare = set(rule_texts) - set(rules) - {POLICY_ERROR}
    if spare:
        raise PolicyDataError(f"access policy texts.toml: texts for no rule: {sorted(spare)}")
    error_text = rule_texts[POLICY_ERROR]
    rules[POLICY_ERROR] = Rule(POLICY_ERROR, 0, "*", "*", "deny", (), error_text["cite"], *_en_zh(error_text))
    delays = {
        key: DelayReason(key, value["cite"], *_en_zh(value)) for key, value in texts.get("delay_reasons", {}).items()
    }
    purposes = _groups(enforcer, "g2").get("judicial_purpose", frozenset())
    certificates = read_toml("certificates.toml")
    certificate_purposes = frozenset(p for table in certificates.values() for p in table.get("purposes", []))
    policy = Policy(
        enforcer,
        rules,
        purposes,
        certificate_purposes,
        delays,
        _groups(enforcer, "g"),
        _groups(enforcer, "g3"),
        model_text,
    )
    _check_names(policy)
    return policy


def _en_zh(text: Mapping[str, Any]) -> tuple[str, str]:
    return str(text["en"]), str(text["zh"])
