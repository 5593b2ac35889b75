"""`sealkeeper serve`: the HTTP service (FastAPI under uvicorn) on the current home."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from sealkeeper.cli.context import settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=click.IntRange(1, 65535), default=8631, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="server processes (each with its own thread pool and connections)")  # fmt: skip
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True,
              help="requests each process works on at once (the others wait their turn)")  # fmt: skip
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the API (/api/v1, OpenAPI at /openapi.json, health at /healthz) on the current home.

    Each process serves under Python's GIL, so one process uses at most one core: at about 4 ms of CPU a
    certificate, 200 certificates a second took ``--workers 2`` on two cores (``bench/bench_certificates.py``;
    SQLite's writers in several processes queue for their turn, ``store.database``). With more than one,
    each process listens on its own socket and the kernel spreads the connections over them
    (``cli.workers``). One worker is the default (the demo of ``make run``); more workers read the home's
    settings from the environment, as here."""
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    from sealkeeper.api.app import create_app  # noqa: PLC0415 - nor the application
    from sealkeeper.cli.workers import ServeError, serve_processes, uvicorn_options  # noqa: PLC0415 - nor these
    from sealkeeper.services.serving import prepare  # noqa: PLC0415
    from sealkeeper.services.store_access import open_store  # noqa: PLC0415

    click.echo(f"sealkeeper serving {settings().home} on http://{host}:{port}  (OpenAPI: /openapi.json)")
    if workers == 1:
        prepare(settings())
        uvicorn.run(create_app(settings(), threads=threads), host=host, port=port, **uvicorn_options())  # type: ignore[arg-type]
        return
    open_store(settings())  # a home that cannot serve is said once, here, not by every process
    if serve_processes(host, port, workers, threads) != 0:
        raise ServeError("a server process ended by itself (its error is above); the service was stopped")


@click.command()
@click.option("--people", type=click.IntRange(20, 100_000), default=300, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--source", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="import these bundles instead of synthesising people")  # fmt: skip
@click.option(
    "--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="with --source: the day decisions are taken on"
)
def demo(people: int, seed: int, fmt: str, source: Path | None, as_of: dt.datetime | None) -> None:
    """Fill the current home (SEALKEEPER_HOME) with synthetic people, cases in every procedure state and one
    account per role; print the accounts (--format json: [{"role", "username", "password", "totp_secret"}])."""
    import json  # noqa: PLC0415 - only this command needs these
    from dataclasses import asdict  # noqa: PLC0415

    from sealkeeper.cli.context import now  # noqa: PLC0415
    from sealkeeper.services.demo import build_demo  # noqa: PLC0415

    report = build_demo(settings(), people, seed, now(), source=source, as_of=as_of.date() if as_of else None)
    if fmt == "json":
        click.echo(json.dumps([asdict(a) for a in report.accounts], ensure_ascii=False, indent=2))
        return
    click.echo(f"demo home {settings().home}: {report.people} synthetic people")
    for what, case_id in report.cases.items():
        click.echo(f"  {case_id}  {what}")
    click.echo(f"accounts (demo only; also in {settings().home / 'demo-accounts.txt'}):")
    for a in report.accounts:
        click.echo(f"  {a.role:<20} {a.username:<14} {a.password}  TOTP {a.totp_secret}")
