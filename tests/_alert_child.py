"""Run ``resurgence alert`` in a child process that can be made to stall inside its transaction.

``ALERT_CHILD_MARK=<file>`` and ``ALERT_CHILD_SLEEP=<seconds>``: once the run is inside
its database transaction (reading what was already raised), the child writes the mark
file and sleeps (until ``ALERT_CHILD_RELEASE=<file>`` exists, if given) -- so a test
can kill it there, or run a second process meanwhile.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from resurgence import store
from resurgence.cli import main


def _child() -> int:
    _mark = os.environ.get("ALERT_CHILD_MARK")
    _sleep = float(os.environ.get("ALERT_CHILD_SLEEP", "0"))
    if _mark:
        _raised = store.AlertStore.raised

        def raised(self, month, config):  # noqa: ANN001, ANN202
            out = _raised(self, month, config)
            Path(_mark).write_text(str(os.getpid()))
            release = os.environ.get("ALERT_CHILD_RELEASE")
            deadline = time.monotonic() + _sleep
            while time.monotonic() < deadline and not (release and Path(release).exists()):
                time.sleep(0.02)
            return out

        store.AlertStore.raised = raised

    return main(sys.argv[1:])


if __name__ == "__main__":  # collected as a doctest module too: nothing runs on import
    sys.exit(_child())
