"""Commands of the ledger (used by outside verifiers: names and outputs are fixed by issue 5) and the witness.

sealkeeper ledger key [--sm2] | checkpoint | proof --index N [--tree-size M] | consistency --from A --to B
sealkeeper ledger entry --index N | verify [--key VKEY]... | trail --token T | witness --url URL --key WKEY
sealkeeper ledger init                      # make the signing key and salt of an existing home
sealkeeper witness serve --state DIR --name NAME --log-key VKEY [--port P]
sealkeeper witness key --state DIR --name NAME
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from sealkeeper.cli.context import now, settings
from sealkeeper.services import ledger_queries as queries
from sealkeeper.services import ledger_witness
from sealkeeper.services.ledger_keys import ensure_ledger_key


def _now() -> int:
    return int(time.time())  # the entry point is where the clock is read


@click.group()
def ledger() -> None:
    """The tamper-evident log of every decision and access: keys, checkpoints, proofs, verification."""


@ledger.command("init")
def ledger_init() -> None:
    """Make the ledger's signing key and commitment salt in the home if missing; print the verifier key."""
    click.echo(ensure_ledger_key(settings()))


@ledger.command("key")
@click.option("--sm2", is_flag=True, help="the gm suite's SM2 key instead: name+keyid+base64(0xff sm2 type ‖ point)")
def ledger_key(sm2: bool) -> None:
    """Print the verifier key in note format: name+keyid+base64(0x01 ‖ public key)."""
    click.echo(queries.sm2_verifier_key(settings()) if sm2 else queries.verifier_key(settings()))


@ledger.command("checkpoint")
@click.option("--no-sign", is_flag=True, help="only print the latest signed checkpoint, do not sign the current head")
def ledger_checkpoint(no_sign: bool) -> None:
    """Print the latest signed checkpoint note (C2SP tlog-checkpoint), with witness cosignatures appended."""
    click.echo(queries.checkpoint(settings(), sign=not no_sign), nl=False)


@ledger.command("proof")
@click.option("--index", type=click.IntRange(min=0), required=True)
@click.option("--tree-size", type=click.IntRange(min=1), default=None, help="default: the whole log")
def ledger_proof(index: int, tree_size: int | None) -> None:
    """Print the inclusion proof of an entry: {"index", "tree_size", "leaf_hash", "hashes": [hex...]}."""
    click.echo(json.dumps(queries.proof(settings(), index, tree_size)))


@ledger.command("consistency")
@click.option("--from", "old", type=click.IntRange(min=1), required=True)
@click.option("--to", "new", type=click.IntRange(min=1), required=True)
def ledger_consistency(old: int, new: int) -> None:
    """Print the consistency proof between two tree sizes: {"from", "to", "hashes": [hex...]}."""
    click.echo(json.dumps(queries.consistency(settings(), old, new)))


@ledger.command("entry")
@click.option("--index", type=click.IntRange(min=0), required=True)
def ledger_entry(index: int) -> None:
    """Print an entry's bytes as stored, base64 (its leaf hash is SHA-256(0x00 ‖ bytes))."""
    click.echo(queries.entry(settings(), index))


@ledger.command("verify")
@click.option("--key", multiple=True, help="a verifier key to trust, Ed25519 or SM2; repeatable (default: this home's)")
def ledger_verify(key: tuple[str, ...]) -> None:
    """Re-read the whole log, recompute every hash, check every checkpoint; non-zero exit at the first bad entry."""
    click.echo(json.dumps(queries.verify(settings(), key)))


@ledger.command("trail")
@click.option("--token", required=True, help="the person's subject token")
def ledger_trail(token: str) -> None:
    """A person's own trail: every entry about them, each with an inclusion proof against a signed checkpoint.
    The viewing is logged first (``trail.viewed``); if it cannot be, nothing is shown."""
    click.echo(json.dumps(queries.trail(settings(), token, viewed_at=now()), ensure_ascii=False, indent=2))


@ledger.command("witness")
@click.option("--url", required=True, help="the witness's URL prefix, e.g. http://127.0.0.1:8470")
@click.option("--key", "witness_key", required=True, help="the witness's verifier key (name+keyid+base64)")
def ledger_witness_command(url: str, witness_key: str) -> None:
    """Ask a witness to cosign the latest checkpoint; the cosignature is stored and published with it."""
    click.echo(json.dumps(ledger_witness.request_cosignature(settings(), url, witness_key)))


@click.group()
def witness() -> None:
    """A witness (e.g. the supervising procuratorate) that cosigns the log's checkpoints (C2SP tlog-witness)."""


_state = click.option("--state", "state_dir", type=click.Path(path_type=Path, file_okay=False), required=True)
_name = click.option("--name", required=True, help="the witness's key name, e.g. procuratorate.example/w1")


@witness.command("serve")
@_state
@_name
@click.option("--log-key", "log_keys", multiple=True, required=True, help="verifier key of a log to witness")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8470, show_default=True)
def witness_serve(state_dir: Path, name: str, log_keys: tuple[str, ...], host: str, port: int) -> None:
    """Serve POST /add-checkpoint: cosign consistent checkpoints, refuse forks."""
    node = ledger_witness.witness_for(name, state_dir, list(log_keys), _now)

    def ready(url: str) -> None:
        click.echo(f"witness {name} listening on {url}", err=True)
        click.echo(f"witness key: {node.signer.verifier}", err=True)

    ledger_witness.serve(node, host, port, ready)


@witness.command("key")
@_state
@_name
def witness_key(state_dir: Path, name: str) -> None:
    """Print the witness's cosignature verifier key (made on first use)."""
    click.echo(str(ledger_witness.Witness(name, state_dir, {}, _now).signer.verifier))
