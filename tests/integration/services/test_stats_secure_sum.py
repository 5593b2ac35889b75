"""The secure sum with its parties as separate processes talking HTTP on 127.0.0.1: the aggregator process
holds no secret key, each agency process posts its own ciphertext, bad contributions get a 400 naming the
party and the reason and leave the total intact, and the authority's decrypted total is the plaintext sum."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest
import tenseal as ts  # type: ignore[import-untyped]  # TenSEAL ships no type information

from sealkeeper.services import stats_secure_sum as service
from sealkeeper.services.stats_secure_sum import Round, _call, agency_counts, submit
from sealkeeper.stats import secure_sum as he
from sealkeeper.stats.errors import StatsError

CELLS = 32


@pytest.fixture
def round_() -> Iterator[Round]:
    with Round(CELLS) as opened:
        yield opened


def agencies_in_processes(url: str, vectors: list[list[int]]) -> list[dict[str, Any]]:
    """Each agency in its own process (spawned: nothing of this process's memory is shared)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(vectors)) as pool:
        return pool.starmap(submit, [(url, f"agency-{i}", v) for i, v in enumerate(vectors)])


def test_agencies_in_separate_processes_sum_to_the_plaintext_total(round_: Round) -> None:
    vectors = agency_counts(3, CELLS, seed=7)
    results = agencies_in_processes(round_.url, vectors)
    assert [r["accepted"] for r in results] == [True, True, True]
    parties, total = round_.total(service.MAX_AGENCY_COUNT)
    assert sorted(parties) == ["agency-0", "agency-1", "agency-2"]
    assert total == [sum(column) for column in zip(*vectors, strict=True)]
    assert all(r["bytes_sent"] > r["ciphertext_bytes"] > 0 for r in results)


def test_what_the_aggregator_serves_holds_no_secret_key_and_cannot_decrypt_the_total(round_: Round) -> None:
    submit(round_.url, "agency-0", agency_counts(1, CELLS, seed=1)[0])
    status, opened, _ = _call("GET", f"{round_.url}/round")
    assert status == 200
    public = ts.context_from(he.unb64(opened["public"], "public"))
    assert not public.is_private()  # all the aggregator was ever given: parameters and the public key
    status, reply, _ = _call("GET", f"{round_.url}/total")
    assert status == 200
    with pytest.raises(ValueError, match="secret"):
        ts.bfv_vector_from(public, he.unb64(reply["ciphertext"], "total")).decrypt()


def test_bad_contributions_are_rejected_with_a_clear_error_and_do_not_spoil_the_total(round_: Round) -> None:
    vectors = agency_counts(2, CELLS, seed=3)
    assert all(r["accepted"] for r in agencies_in_processes(round_.url, vectors))
    rogue = he.encrypt(he.Authority().public, "rogue", [7] * CELLS).json()  # another key pair
    status, reply, _ = _call("POST", f"{round_.url}/contributions", rogue)
    assert (status, reply["error"]) == (400, "contribution of rogue rejected: encrypted under another key than "
                                             "this round's public key")  # fmt: skip
    garbage = {**he.encrypt(round_.authority.public, "broken", [1] * CELLS).json(), "ciphertext": "AAAA"}
    status, reply, _ = _call("POST", f"{round_.url}/contributions", garbage)
    assert (status, reply["error"]) == (400, "contribution of broken rejected: not a BFV ciphertext of this "
                                             "round's parameters")  # fmt: skip
    status, reply, _ = _call("POST", f"{round_.url}/contributions", {"party": "x"})
    assert status == 400
    assert "key_id" in reply["error"]
    again = submit(round_.url, "agency-0", vectors[0])
    assert again["accepted"] is False
    assert "already contributed" in again["error"]
    parties, total = round_.total(service.MAX_AGENCY_COUNT)
    assert sorted(parties) == ["agency-0", "agency-1"]
    assert total == [a + b for a, b in zip(*vectors, strict=True)]


def test_the_published_total_carries_dp_noise_with_intervals() -> None:
    published = service.publish([1000, 0, 50], "1")
    assert published.query == "secure-sum"
    assert "Laplace" in published.mechanism
    assert all(c.ci95[0] <= c.value <= c.ci95[1] for c in published.cells)


def test_the_demonstration_refuses_out_of_range_sizes() -> None:
    with pytest.raises(StatsError, match=r"^cells: "):
        service.demo(2, he.POLY_MODULUS_DEGREE + 1)
