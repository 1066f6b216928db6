"""``python -m tests.service.fault_worker QUEUE``: an xner worker whose translate step injects test faults
(:func:`tests.service.fake_steps.translate_with_faults`); otherwise exactly ``xner worker QUEUE``."""

from __future__ import annotations

import sys

from xner.service import steps
from xner.service.settings import get_settings
from xner.service.worker import run_worker

if __name__ == "__main__":
    steps.STEPS["translate"] = "tests.service.fake_steps:translate_with_faults"
    run_worker(sys.argv[1], get_settings(), preload=False)
