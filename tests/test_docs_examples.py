"""The Python examples in the seasonal and forecasting guides run as shown."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from resurgence import ModelWarning

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.slow
@pytest.mark.parametrize("page", ["seasonal.md", "forecasting.md"])
def test_python_blocks_run(page, capsys):
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        for block in blocks:  # later blocks use names from earlier ones, as a reader would
            exec(compile(block, f"{page}", "exec"), namespace)
    assert capsys.readouterr().out
