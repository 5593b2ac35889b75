"""The ledger for outside verifiers (no sign-in: entries carry no personal data) and the health check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse

from sealkeeper.api.deps import SettingsDep
from sealkeeper.api.errors import ApiError
from sealkeeper.services import ledger_queries
from sealkeeper.services.store_access import open_store
from sealkeeper.store.database import revision_in_use

router = APIRouter(prefix="/ledger", tags=["ledger"])
health = APIRouter(tags=["health"])

Index = Query(ge=0, le=2**62)


@health.get("/healthz")
def healthz(settings: SettingsDep) -> dict[str, Any]:
    """The service answers and its store opens at the expected schema."""
    return {"status": "ok", "schema": revision_in_use(open_store(settings))}


@router.get("/key", response_class=PlainTextResponse)
def key(settings: SettingsDep) -> str:
    return ledger_queries.verifier_key(settings) + "\n"


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(settings: SettingsDep) -> str:
    """The latest signed checkpoint note with its cosignatures (C2SP tlog-checkpoint)."""
    return ledger_queries.checkpoint(settings, sign=False)


@router.get("/proof")
def proof(settings: SettingsDep, index: int = Index, tree_size: int | None = Query(None, ge=1, le=2**62)) -> Any:
    if tree_size is not None and index >= tree_size:
        raise ApiError(422, f"index: {index} is not below tree_size {tree_size}")
    return ledger_queries.proof(settings, index, tree_size)


@router.get("/consistency")
def consistency(settings: SettingsDep, first: int = Query(alias="from", ge=1, le=2**62),
                second: int = Query(alias="to", ge=1, le=2**62)) -> Any:  # fmt: skip
    if first > second:
        raise ApiError(422, f"from: {first} is above to {second}")
    return ledger_queries.consistency(settings, first, second)


@router.get("/entries/{index}", response_class=PlainTextResponse)
def entry(settings: SettingsDep, index: Annotated[int, Path(ge=0, le=2**62)]) -> str:
    return ledger_queries.entry(settings, index) + "\n"
