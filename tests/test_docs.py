"""The documentation's Python examples run as written.

Each ```python block of a page runs in order in one namespace per page, so later blocks may use
names from earlier ones. Blocks that would serve forever (``app.run(``) are only compiled.
"""

from __future__ import annotations

import pathlib
import re

import pytest

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
PAGES = sorted(p for p in DOCS.glob("*.md") if BLOCK.search(p.read_text()))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_examples_run(page: pathlib.Path) -> None:
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for number, match in enumerate(BLOCK.finditer(page.read_text()), 1):
        code = compile(match.group(1), f"{page.name}[block {number}]", "exec")
        if "app.run(" in match.group(1):
            continue
        exec(code, namespace)
