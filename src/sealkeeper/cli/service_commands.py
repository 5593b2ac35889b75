"""`sealkeeper serve`: the HTTP service (FastAPI under uvicorn) on the current home."""

from __future__ import annotations

import click

from sealkeeper.cli.context import settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=click.IntRange(1, 65535), default=8631, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the API (/api/v1, OpenAPI at /openapi.json, health at /healthz) on the current home."""
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    from sealkeeper.api import create_app  # noqa: PLC0415 - nor the application

    app = create_app(settings())
    click.echo(f"sealkeeper serving {settings().home} on http://{host}:{port}  (OpenAPI: /openapi.json)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
