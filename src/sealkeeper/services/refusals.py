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
