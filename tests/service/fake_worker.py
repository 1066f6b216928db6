"""``python -m tests.service.fake_worker QUEUE [--preload]``: ``xner worker QUEUE`` that can also run the test steps
(:data:`tests.service.fake_steps.FAKE_STEPS`) besides every service's own."""

from __future__ import annotations

import sys

from tests.service.fake_steps import FAKE_STEPS
from xner.cli import main
from xner.service import steps

if __name__ == "__main__":
    steps.register(FAKE_STEPS)
    sys.exit(main(["worker", *sys.argv[1:]]))
