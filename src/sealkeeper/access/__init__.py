"""Access control (pure core): who may do what to which record, for which purpose.

One policy decision point, ``decide(request) -> AccessDecision``, evaluates the policy shipped as Casbin data
(``data/model.conf``, ``data/policy.csv``; texts in ``data/texts.toml``). Deny by default; every decision, allow
or deny, carries the ``log`` obligation and its ledger entry (``AccessDecision.ledger_entry()``), without
personal data. Certificates (``certificate_view``), monitoring (``flags``) and the person's view of an access
(``notice_view``) are pure functions beside it. No clock: every time is a parameter.
"""

from sealkeeper.access.certificates import (
    CertificateException,
    CertificateLine,
    CertificateRecord,
    CertificateRules,
    certificate_rules,
    certificate_view,
)
from sealkeeper.access.decision import LEDGER_KEYS, AccessDecision, Obligation, Reason
from sealkeeper.access.errors import (
    CERTIFICATE_BLOCKED,
    AccessError,
    AccessRefusal,
    CertificateBlockedError,
    CertificateError,
    GrantError,
    PolicyDataError,
    SelfApprovalError,
)
from sealkeeper.access.monitoring import AccessLogEntry, Flag, Thresholds, flags
from sealkeeper.access.notice import AccessNotice, NoticeView, notice_view
from sealkeeper.access.pdp import decide, make_grant
from sealkeeper.access.policy import Policy, load_policy
from sealkeeper.access.request import NO_RESOURCE, AccessRequest, Account, Context, Grant, NoticeDelay, Resource
from sealkeeper.access.vocabulary import RECORD_READING, AccessRole, Action, access_role

__all__ = [
    "CERTIFICATE_BLOCKED",
    "LEDGER_KEYS",
    "NO_RESOURCE",
    "RECORD_READING",
    "AccessDecision",
    "AccessError",
    "AccessLogEntry",
    "AccessNotice",
    "AccessRefusal",
    "AccessRequest",
    "AccessRole",
    "Account",
    "Action",
    "CertificateBlockedError",
    "CertificateError",
    "CertificateException",
    "CertificateLine",
    "CertificateRecord",
    "CertificateRules",
    "Context",
    "Flag",
    "Grant",
    "GrantError",
    "NoticeDelay",
    "NoticeView",
    "Obligation",
    "Policy",
    "PolicyDataError",
    "Reason",
    "Resource",
    "SelfApprovalError",
    "Thresholds",
    "access_role",
    "certificate_rules",
    "certificate_view",
    "decide",
    "flags",
    "load_policy",
    "make_grant",
    "notice_view",
]
