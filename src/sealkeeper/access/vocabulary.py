"""The words of the access policy: roles, actions, and how procedure roles map onto access roles.

The policy data (``data/policy.csv``) names these values; a test keeps the two in step.
"""

from __future__ import annotations

from enum import StrEnum


class AccessRole(StrEnum):
    CLERK = "clerk"  # 承办人
    APPROVER = "approver"  # 审批人
    REVIEWER = "reviewer"  # 复查 panel member
    JUDICIAL = "judicial_requester"  # 办案机关
    CERTIFICATE_OFFICER = "certificate_officer"  # 犯罪记录查询
    SUBJECT = "data_subject"  # 当事人
    SUPERVISOR = "supervisor"  # 检察监督
    AUDITOR = "auditor"
    STATISTICIAN = "statistician"
    ADMINISTRATOR = "administrator"
    HIGHER_AUTHORITY = "higher_authority"  # 上一级机关 (复议): decides complaints referred to it
    REPRESENTATIVE = "representative"  # a guardian (监护人) or counsel (辩护人/代理人), for the persons linked to it


class Action(StrEnum):
    READ_RECORD = "read_record"
    READ_SEALED_RECORD = "read_sealed_record"
    ISSUE_CERTIFICATE = "issue_certificate"
    IMPORT_RECORDS = "import_records"
    APPROVE_ACCESS = "approve_access"
    DECIDE_APPLICATION = "decide_application"
    REVIEW_OBJECTION = "review_objection"
    READ_LEDGER = "read_ledger"
    VERIFY_LEDGER = "verify_ledger"
    COSIGN = "cosign"
    REVIEW_FLAGS = "review_flags"
    READ_STATISTICS = "read_statistics"
    MANAGE_ACCOUNTS = "manage_accounts"
    CONFIGURE = "configure"
    READ_OWN_RECORDS = "read_own_records"
    APPLY = "apply"
    OBJECT = "object"
    REQUEST_CORRECTION = "request_correction"
    REQUEST_DELETION = "request_deletion"
    SEE_OWN_ACCESS_HISTORY = "see_own_access_history"
    VIEW_QUEUE = "view_queue"  # case ids, states and deadlines: no record content
    RUN_SEALING = "run_sealing"  # start the automatic (ex officio) sealing run
    HANDLE_CASE = "handle_case"  # a staff step in a procedure (the procedure's table says which role may)
    REQUEST_UNSEALING = "request_unsealing"  # a judicial organ asks for a record's seal to be lifted
    COMPLAIN = "complain"  # the person complains to the supervising body
    VIEW_REFERRED_COMPLAINTS = "view_referred_complaints"  # the higher authority's inbox and complaint files
    DECIDE_COMPLAINT = "decide_complaint"  # the higher authority's reconsideration (复议) of a referred complaint
    REQUEST_REPRESENTATION = "request_representation"  # a guardian or counsel asks to be linked to a person
    CORRECT_RECORD = "correct_record"  # a clerk puts the facts they confirmed (a reader proposal) in a record


#: Actions that show the content of a record (or of every record of a person). The administrator never gets one.
RECORD_READING: frozenset[Action] = frozenset(
    {
        Action.READ_RECORD,
        Action.READ_SEALED_RECORD,
        Action.ISSUE_CERTIFICATE,
        Action.IMPORT_RECORDS,
        Action.APPROVE_ACCESS,
        Action.DECIDE_APPLICATION,
        Action.REVIEW_OBJECTION,
        Action.READ_OWN_RECORDS,
        Action.SEE_OWN_ACCESS_HISTORY,
        Action.CORRECT_RECORD,
    }
)


def access_role(role: str) -> AccessRole | None:
    """The access role a procedure role (``procedures.base.Role``, a str enum) acts under, or None when it has
    none (system, guardian, counsel). The names are shared, so access does not import the
    procedures."""
    value = str(role)
    return AccessRole(value) if value in AccessRole.__members__.values() else None
