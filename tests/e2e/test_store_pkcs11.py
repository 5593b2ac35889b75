"""The whole store on a real SoftHSM2 token, through the command line: the KEK never leaves the token."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sealkeeper.synth.population import generate, write_bundles

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
UTIL = shutil.which("softhsm2-util")
SEALKEEPER = Path(sys.executable).parent / "sealkeeper"
PIN = "5820-store"

pytestmark = pytest.mark.skipif(
    not Path(MODULE).is_file() or UTIL is None, reason="softhsm2 not installed (Debian package softhsm2)"
)


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SEALKEEPER), *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    assert UTIL is not None
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    base = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    init = [UTIL, "--init-token", "--free", "--label", "sk-store", "--pin", PIN, "--so-pin", "5820-so"]
    subprocess.run(init, env=base, check=True, capture_output=True)  # noqa: S603 - fixed arguments
    return base | {
        "SEALKEEPER_HOME": str(tmp_path / "home"),
        "SEALKEEPER_KEY_PROVIDER": "pkcs11",
        "SEALKEEPER_PKCS11_MODULE": MODULE,
        "SEALKEEPER_PKCS11_TOKEN": "sk-store",
        "SEALKEEPER_PKCS11_PIN": PIN,
    }


def test_init_import_read_rotate_on_a_token(env: dict[str, str], tmp_path: Path) -> None:
    people = tmp_path / "people.jsonl"
    with people.open("w", encoding="utf-8") as handle:
        write_bundles(generate(50, 4, identities=True), handle)
    first = json.loads(people.read_text("utf-8").splitlines()[0])
    assert _run(env, "init").returncode == 0
    assert not (tmp_path / "home" / "keys" / "kek.json").exists(), "no key file: the KEK is in the token"
    imported = _run(env, "import", str(people), "--as-of", "2026-06-30")
    assert imported.returncode == 0, imported.stderr
    shown = _run(env, "person", "--id-number", first["person"]["id_number"])
    assert json.loads(shown.stdout)["identity"]["name"] == first["person"]["name"]
    rotated = json.loads(_run(env, "keys", "rotate", "--retire-old").stdout)
    assert rotated["rewrapped"] == 50
    assert len(rotated["retired"]) == 1
    again = _run(env, "person", "--id-number", first["person"]["id_number"])
    assert json.loads(again.stdout)["identity"]["name"] == first["person"]["name"]
    status = json.loads(_run(env, "keys", "status").stdout)
    assert status["key_provider"] == "pkcs11"
    assert status["keks"] == {rotated["current"]: 50}


def test_a_wrong_pin_refuses_to_start_without_showing_it(env: dict[str, str]) -> None:
    assert _run(env, "init").returncode == 0
    wrong = _run(env | {"SEALKEEPER_PKCS11_PIN": "9999-wrong"}, "keys", "status")
    assert wrong.returncode == 2
    assert "9999-wrong" not in wrong.stderr + wrong.stdout
    assert "error:" in wrong.stderr
    assert "Traceback" not in wrong.stderr
