"""The gm suite's checkpoints: an Ed25519 and an SM2 signature line, both checked by verify."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import make_settings
from ledger_helpers import fill, ready

from sealkeeper.config import Settings
from sealkeeper.ledger.errors import LedgerError, TamperedError
from sealkeeper.ledger.note import parse_note, verify_note
from sealkeeper.ledger.sm2_note import parse_sm2_verifier_key
from sealkeeper.services import ledger_queries as queries
from sealkeeper.services.records import init_home
from sealkeeper.store.database import transaction
from sealkeeper.store.ledger_tables import ledger_checkpoints
from sealkeeper.vault import sm2

SM2_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")  # SubjectPublicKeyInfo, SM2


@pytest.fixture
def gm_home(tmp_path: Path, database_url: str) -> Settings:
    settings = make_settings(tmp_path / "home", database_url, SEALKEEPER_SUITE="gm")
    init_home(settings)
    return settings


def _strip_sm2(engine: sa.Engine, size: int) -> None:
    """Rewrite a stored checkpoint with its Ed25519 line only (as a log from before the SM2 key signed)."""
    with transaction(engine) as conn:
        note = conn.execute(sa.select(ledger_checkpoints.c.note).where(ledger_checkpoints.c.size == size)).scalar_one()
        parsed = parse_note(note)
        stripped = parsed.text + "\n" + parsed.signatures[0].line()
        conn.execute(sa.update(ledger_checkpoints).where(ledger_checkpoints.c.size == size).values(note=stripped))


def test_a_gm_checkpoint_is_signed_with_ed25519_and_sm2(gm_home: Settings, tmp_path: Path) -> None:
    ledger, engine = ready(gm_home)
    fill(ledger, engine, 9)
    note = queries.checkpoint(gm_home)
    sm2_key = parse_sm2_verifier_key(queries.sm2_verifier_key(gm_home), sm2.verify)
    parsed, good = verify_note(note, [ledger.keys.verifier, sm2_key])
    assert good == [ledger.keys.verifier, sm2_key]
    assert queries.verify(gm_home)["checkpoints"] == 1
    assert queries.verify(gm_home, [queries.verifier_key(gm_home), str(sm2_key)])["checkpoints"] == 1
    openssl = shutil.which("openssl")
    if openssl is not None:  # an outsider checks the SM2 line with OpenSSL's own tool
        (tmp_path / "text").write_bytes(parsed.text.encode())
        (tmp_path / "sig").write_bytes(parsed.signatures[1].signature)
        (tmp_path / "pub.der").write_bytes(
            bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200") + sm2_key.public
        )
        command = [openssl, "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", str(tmp_path / "pub.der")]
        command += ["-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]
        command += ["-in", str(tmp_path / "text"), "-sigfile", str(tmp_path / "sig")]
        result = subprocess.run(command, capture_output=True, check=False)  # noqa: S603
        assert result.returncode == 0, result.stderr


def test_verify_requires_the_sm2_line_once_it_has_appeared(gm_home: Settings) -> None:
    ledger, engine = ready(gm_home)
    for _ in range(3):  # checkpoints at sizes 3, 6 and 9
        fill(ledger, engine, 3)
        assert queries.checkpoint(gm_home).count("\u2014 ") == 2
    _strip_sm2(engine, 3)  # the oldest without SM2 (a log signed before its gm key existed): accepted
    assert queries.verify(gm_home)["checkpoints"] == 3
    _strip_sm2(engine, 9)  # a later one that lost its SM2 line: refused
    with pytest.raises(TamperedError, match="checkpoint at size 9: no signature from the key"):
        queries.verify(gm_home)


def test_an_intl_home_has_no_sm2_key(home: Settings) -> None:
    with pytest.raises(LedgerError, match="Ed25519 only"):
        queries.sm2_verifier_key(home)
