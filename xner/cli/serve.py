"""``xner worker`` (an RQ worker of one service) and ``xner serve`` (the APIs, embedded or against Redis)."""

from __future__ import annotations

from typing import Annotated

import typer

from xner.cli.app import app
from xner.service import defaults


@app.command()
def worker(
    service: Annotated[
        str,
        typer.Argument(help="translate | align | project | ner | train (the queue to work on; train: fine-tuning)."),
    ],
    burst: Annotated[bool, typer.Option(help="Stop when the queue is empty.")] = False,
    preload: Annotated[bool, typer.Option(help="Load the service's default models before the first job.")] = True,
) -> None:
    """Run a worker of one service against XNER_REDIS_URL: models load once, jobs run in this process."""
    from xner.service.settings import get_settings
    from xner.service.worker import run_worker
    from xner.suite import register_steps

    register_steps()
    run_worker(service, get_settings(), burst=burst, preload=preload)


@app.command()
def serve(
    service: Annotated[
        str,
        typer.Option(
            help="all (gateway and every service in one process) or one of: gateway translate align project ner "
            "labelstudio (the standalone Label Studio ML backend, port 9090)"
        ),
    ] = "all",
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option(help="Port (default: 8000 for all/gateway, 8001.. for services, 9090 labelstudio).")
    ] = None,
) -> None:
    """Serve the REST APIs. Without XNER_REDIS_URL every step runs in this process (no Redis, no GPU needed)."""
    from xner.service.http_server import serve as run_server
    from xner.service.settings import get_settings
    from xner.suite import build_app

    settings = get_settings()
    app_ = build_app(service, settings)
    run_server(app_, settings, host=host, port=port or defaults.PORTS.get(service, 8000), service=service)
