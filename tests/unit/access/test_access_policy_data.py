"""The policy files shipped in the package: every rule is well formed, has a comment, a citation and a text;
the names it uses are the vocabulary's; the catch-all deny comes last."""

from __future__ import annotations

import re

import pytest

from sealkeeper.access import AccessRole, Action, PolicyDataError, access_role, load_policy
from sealkeeper.access.policy import Policy, Rule, _check_names, _rule, read_data, read_toml
from sealkeeper.procedures.base import Role


def rule_lines() -> list[tuple[str, str]]:
    """(the comment block above, the rule line) for each ``p`` line of policy.csv."""
    out: list[tuple[str, str]] = []
    comments: list[str] = []
    for line in read_data("policy.csv").splitlines():
        if line.startswith("#"):
            comments.append(line)
        elif line.startswith("p,"):
            out.append(("\n".join(comments), line))
        elif not line.strip():
            comments = []
    return out


def test_every_rule_has_a_comment_above_it_naming_its_basis_or_its_absence() -> None:
    for comment, line in rule_lines():
        assert comment, f"no comment above {line}"
        rule_id = line.split(",")[2].strip()
        citation = load_policy().rules[rule_id].citation
        assert citation
        if citation != "sealkeeper policy":
            assert re.search(r"Art\.|第\d+条|实施办法|issue 6|PIPL|CPL|MPS", comment), rule_id


def test_rules_are_unique_and_the_default_deny_is_last_and_catches_everything() -> None:
    policy = load_policy()
    rows = policy.enforcer.get_policy()
    ids = [row[1] for row in rows]
    assert len(ids) == len(set(ids))
    last = policy.rules[ids[-1]]
    assert (last.id, last.role, last.action, last.effect) == ("default.deny", "*", "*", "deny")
    priorities = [int(row[0]) for row in rows]
    assert priorities == sorted(priorities)
    assert priorities.count(priorities[-1]) == 1


def test_every_guard_denies_and_every_grant_of_permission_allows() -> None:
    for rule in load_policy().rules.values():
        assert rule.effect == ("allow" if rule.id.startswith("allow.") else "deny"), rule.id


def test_texts_exist_in_both_languages_and_name_only_rules() -> None:
    texts = read_toml("texts.toml")
    policy = load_policy()
    assert set(texts["rules"]) == set(policy.rules)
    for rule in policy.rules.values():
        assert rule.text
        assert rule.text_zh
    for reason in policy.delay_reasons.values():
        assert reason.citation
        assert reason.text
        assert reason.text_zh


def test_class_names_are_not_values_of_what_they_group() -> None:
    policy = load_policy()
    assert not set(policy.action_classes) & set(Action)
    assert not set(policy.role_classes) & set(AccessRole)
    assert "judicial_purpose" not in policy.judicial_purposes


def test_malformed_rules_are_refused_with_the_rule_named() -> None:
    good = ["100", "x.rule", "clerk", "read_record", "True", "allow", "-", "cite"]
    texts = {"x.rule": {"en": "e", "zh": "z"}}
    assert _rule(good, texts).obligations == ()
    with pytest.raises(PolicyDataError, match="columns"):
        _rule(good[:-1], texts)
    with pytest.raises(PolicyDataError, match="effect"):
        _rule([*good[:5], "maybe", *good[6:]], texts)
    with pytest.raises(PolicyDataError, match="obligation"):
        _rule([*good[:6], "notify_everyone", good[7]], texts)
    with pytest.raises(PolicyDataError, match="no text"):
        _rule(good, {})


def test_unknown_names_in_a_rule_are_refused() -> None:
    policy = load_policy()
    bad = Rule("x", 1, "janitor", "read_record", "allow", (), "c", "t", "z")
    broken = Policy(
        policy.enforcer,
        {"x": bad},
        policy.judicial_purposes,
        policy.certificate_purposes,
        policy.delay_reasons,
        policy.action_classes,
        policy.role_classes,
    )
    with pytest.raises(PolicyDataError, match="janitor"):
        _check_names(broken)


def test_procedure_roles_map_onto_access_roles_of_the_same_name() -> None:
    for role in Role:
        mapped = access_role(role)
        assert mapped is None or str(mapped) == str(role)
    assert access_role(Role.JUDICIAL) is AccessRole.JUDICIAL
    assert access_role(Role.GUARDIAN) is None
    assert access_role(Role.HIGHER_AUTHORITY) is AccessRole.HIGHER_AUTHORITY
