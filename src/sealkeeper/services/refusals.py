"""Why a service refuses a request, in English with the values named; the member's name in lower case is the
refusal's stable code (``SealkeeperError.of``), which the web pages translate. The procedures' own refusals
are ``procedures.errors.Refusal``."""

from __future__ import annotations

from enum import Enum, unique


@unique
class ServiceRefusal(Enum):
    UNKNOWN_PROCEDURE = "procedure: one of {procedures}"
    UNKNOWN_COMMAND = "command: {procedure} has no command '{command}' ({commands})"
    INVALID_FIELDS = "{fields}: invalid for {command}"
    NO_CASE = "case_id: no case {case_id}"
    NOT_OPENED_BY_REQUEST = "procedure: '{procedure}' cannot be opened by a request"
    INVALID_OPENING = "{procedure}: {problem}"
    UNKNOWN_SUBJECT = "subject: the token of a person known here"
    NO_PERSON_NAMED = "on_behalf_of: a guardian or counsel names the person (subject token) acted for"
    NOT_APPLICANTS_RECORD = "records: {record} is not one of the applicant's records"
    NO_REFERRED_COMPLAINT = "case_id: no complaint {case_id} was referred to the higher authority"
    UNKNOWN_ACCESS_REQUEST = "request: no access request {request}"
    NOT_PENDING = "request: {request} is {state}, not pending"
    DECIDED_MEANWHILE = "request: {request} was decided by someone else meanwhile"
    OWN_ACCESS_REQUEST = "account {account} may not decide its own request"
    UNKNOWN_SUBJECT_GIVEN = "subject: no person with this subject token"
    ID_NUMBER_MISSING = "id_number: give the person's ID number or their subject token"
    INVALID_ID_NUMBER = "id_number: {problem}"
    NO_ID_NUMBER = "id_number: no person with this ID number is in the store"
    UNKNOWN_PURPOSE = "purpose: not one of {purposes}"
    TEXT_FIELD = "{field}: 1 to {longest} characters, no control characters"
    NO_SEALED_RECORD = "record: no sealed record has that id"
    RECORD_NOT_SEALED = "record: {record} is not sealed; no approval is needed to read it"
    RECORD_NO_LONGER_HELD = "record: {record} is no longer held"
    VALID_FOR_RANGE = "valid_for: more than nothing and at most {days} days"
    NOTICE_DELAY_UNTIL = "notice_delay.until: a day after today"
    DELETED_WHILE_ISSUING = "subject: the person's data was deleted while the certificate was made"
    NOT_ISSUED = "certificate: not issued"
    NO_CERTIFICATE = "code: no certificate {document}"
    UNKNOWN_DOCUMENT = "code: no document {document}"
    NO_NAME_STORED = "subject {subject}: no name is stored, so no document can be addressed"
    STORED_PAYLOAD_UNVERIFIED = "document {document}: the stored payload does not verify; it is not used"
    NO_SUBJECT = "no subject {subject}"
    DATA_KEY_DESTROYED = "subject {subject}: the data key was destroyed (deletion); the fields are gone"
    NOTHING_TO_APPEND = "nothing to append"
    APPEND_INCOMPLETE = "the ledger append did not complete; nothing from this step was written"
    APPEND_FAILED = "the ledger append failed ({kind})"
    DATABASE_ERROR = "database error ({kind}); nothing from this step was written"
    LOG_EMPTY = "the log is empty: there is nothing to checkpoint yet"
    HEAD_DISAGREES = "the stored tree nodes and the head disagree at size {size}"
    CHECKPOINT_BEYOND_LOG = "a checkpoint at size {checkpoint} exists but the log holds only {size} entries"
    ROOT_DIFFERS = "the log's root at size {size} differs from its signed checkpoint"
    NOT_CONSISTENT = "refusing to sign size {size}: not consistent with checkpoint {checkpoint} ({problem})"
