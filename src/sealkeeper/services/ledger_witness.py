"""Witnesses (C2SP tlog-witness over HTTP): the witness server with its own state file, and the log's side
that asks a witness to cosign the latest checkpoint and stores the cosignature beside it.

The witness keeps, per log origin, the last checkpoint it cosigned in ``<state>/state.json``, written
atomically (temporary file, fsync, rename) *before* it answers; its Ed25519 key is ``<state>/witness-ed25519.pem``
(0600, made on first start). Requests are decided one at a time, so check-and-persist is atomic.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from sealkeeper.config import Settings
from sealkeeper.ledger.checkpoint import CosignatureSigner, parse_cosignature_key
from sealkeeper.ledger.errors import ForkError, LedgerError, NoteError
from sealkeeper.ledger.merkle import consistency_proof
from sealkeeper.ledger.note import Verifier, parse_note, parse_verifier_key, verify_note
from sealkeeper.ledger.witness import SIZE_TYPE, Seen, add_checkpoint
from sealkeeper.services.ledger import fetcher, open_ledger
from sealkeeper.services.ledger_keys import new_private_pem, read_private, signer_from_pem, write_new
from sealkeeper.services.store_access import open_store
from sealkeeper.store import ledger_repository as repo
from sealkeeper.store.database import transaction

MAX_BODY = 64 * 1024


@dataclass
class Witness:
    name: str
    state_dir: Path
    logs: dict[str, list[Verifier]]
    clock: Callable[[], int]

    def __post_init__(self) -> None:
        self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = self.state_dir / "witness-ed25519.pem"
        if not key.exists():
            write_new(key, new_private_pem())
        private = signer_from_pem(read_private(key)).private
        self.signer = CosignatureSigner(self.name, private)
        self.lock = threading.Lock()

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    def state(self) -> dict[str, Seen]:
        if not self.state_file.exists():
            return {}
        raw = json.loads(self.state_file.read_text("utf-8"))
        return {o: Seen(int(v["size"]), base64.b64decode(v["root"])) for o, v in raw.items()}

    def _persist(self, state: dict[str, Seen]) -> None:
        data = {o: {"size": s.size, "root": base64.b64encode(s.root).decode("ascii")} for o, s in state.items()}
        tmp = self.state_file.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.state_file)
        fd = os.open(self.state_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def handle(self, body: bytes) -> tuple[int, str, str]:
        with self.lock:
            state = self.state()
            answer = add_checkpoint(body, self.logs, state, self.signer, self.clock())
            if answer.update is not None:
                origin, seen = answer.update
                self._persist({**state, origin: seen})
        return answer.status, answer.content_type, answer.body


def witness_for(name: str, state_dir: Path, log_keys: Sequence[str], clock: Callable[[], int]) -> Witness:
    """A witness trusting the logs whose Ed25519 verifier keys are given; each key's name is its origin."""
    logs: dict[str, list[Verifier]] = {}
    for vkey in log_keys:
        verifier = parse_verifier_key(vkey)
        logs.setdefault(verifier.name, []).append(verifier)
    if not logs:
        raise LedgerError("a witness needs at least one log key (--log-key)")
    return Witness(name, state_dir, logs, clock)


def serve(witness: Witness, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve POST /add-checkpoint until interrupted; ``ready`` gets the URL once listening."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path.rstrip("/") != "/add-checkpoint":
                status, ctype, text = 404, "text/plain", "not found\n"
            elif not 0 < length <= MAX_BODY:
                status, ctype, text = 400, "text/plain", "body missing or too large\n"
            else:
                status, ctype, text = witness.handle(self.rfile.read(length))
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = HTTPServer((host, port), Handler)
    ready(f"http://{host}:{server.server_port}")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _post(url: str, body: bytes, timeout: float) -> tuple[int, str, str]:
    request = urllib.request.Request(url.rstrip("/") + "/add-checkpoint", data=body, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the operator's URL
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        raise LedgerError(f"cannot reach the witness at {url}: {exc}") from None


def request_cosignature(settings: Settings, url: str, witness_key: str, timeout: float = 10.0) -> dict[str, Any]:
    """Sign the latest checkpoint if needed, ask the witness to cosign it, verify and store the cosignature."""
    witness = parse_cosignature_key(witness_key)
    ledger, engine = open_ledger(settings), open_store(settings)
    with transaction(engine) as conn:
        signed = ledger.checkpoint(conn)
        old = repo.last_cosigned(conn, witness.name)
    for _attempt in range(2):
        with transaction(engine) as conn:
            proof = consistency_proof(old, signed.size, fetcher(conn)) if 0 < old < signed.size else []
        lines = [f"old {old}", *(base64.b64encode(h).decode("ascii") for h in proof)]
        status, ctype, text = _post(url, ("\n".join(lines) + "\n\n" + signed.note).encode("utf-8"), timeout)
        if status == 409 and ctype.startswith(SIZE_TYPE) and text.strip().isdigit() and int(text) != old:
            old = int(text)  # the witness last cosigned another size: prove from there
            if old > signed.size:
                raise ForkError(f"the witness has seen size {old}, larger than this log's {signed.size}")
            continue
        break
    if status != 200:
        error = ForkError if "fork" in text else LedgerError
        raise error(f"the witness refused to cosign (HTTP {status}): {text.strip()}")
    line = next((ln + "\n" for ln in text.splitlines() if ln.startswith(f"\u2014 {witness.name} ")), None)
    if line is None:
        raise LedgerError("the witness answered without a cosignature from the expected key")
    try:
        verify_note(parse_note(signed.note).text + "\n" + line, [witness])
    except NoteError as exc:
        raise LedgerError(f"the witness's cosignature does not verify: {exc}") from None
    with transaction(engine) as conn:
        if not any(str(r.witness) == witness.name for r in repo.cosignatures(conn, signed.size)):
            repo.add_cosignature(conn, signed.size, witness.name, str(witness), line)
    return {"size": signed.size, "witness": witness.name, "cosignature": line.strip()}
