"""``python -m tests.service.fault_worker QUEUE``: an xner worker whose translate step injects test faults
(:func:`tests.service.fake_steps.translate_with_faults`); otherwise exactly ``xner worker QUEUE --no-preload``."""

from __future__ import annotations

import sys

from tests.service.fake_steps import translate_with_faults
from xner.service import steps
from xner.service.settings import get_settings
from xner.service.worker import run_worker
from xner.suite import register_steps

if __name__ == "__main__":
    register_steps()
    steps.register({"translate": translate_with_faults}, replace=True)
    run_worker(sys.argv[1], get_settings(), preload=False)
