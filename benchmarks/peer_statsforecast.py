"""statsforecast peers (AutoETS, AutoARIMA, AutoTheta) for ``benchmarks.bench_forecast``.

Runs in its own virtualenv (``.venv-peer``: statsforecast needs pandas < 3, the project pins
pandas 3), as a subprocess; it does not import the project. Data goes through files:

    python benchmarks/peer_statsforecast.py IN.json OUT.json [--timeout S]
    python benchmarks/peer_statsforecast.py --verify IN.json      # checks described below

IN.json: ``{"series": [{"key", "name", "values": [...], "season": int|null, "test_start": int}],
"models": ["AutoETS", "AutoARIMA", "AutoTheta"], "level": 90}``.

OUT.json: ``{"version": statsforecast version, "results": {key: {"name", "n", "season",
"test_start", "models": {model: {...}}}}}`` where each model has, for the test indices
t = test_start..N-1 (list position t - test_start):

* ``one_step`` / ``one_step_lo`` / ``one_step_hi``: the forecast of y[t] from y[:t] and its
  90% interval. The model is fitted ONCE on y[:test_start]; every later forecast applies that
  fitted model to the longer history without re-estimating anything
  (``StatsForecast.cross_validation(h=1, n_windows=test_len, step_size=1, refit=False)``,
  which calls ``model.fit`` on the first window only and ``model.forward(y[:t])`` after).
  ``forward`` re-runs the fitted model's filter over y[:t] (ETS: fixed parameters and initial
  states; ARIMA: fixed coefficients; Theta: fixed model type, alpha, theta and initial level,
  while its classical seasonal decomposition is recomputed from y[:t]); it sees only y[:t].
* ``multistep`` / ``lo`` / ``hi``: the test_len-step forecast from test_start (same fit) and its
  90% interval.
* ``seconds``, ``season_used``, ``note``, ``error`` (null, or why the model has no numbers).

Long seasons: AutoARIMA with a season over 24 (weekly data, season 52) runs for more than ten
minutes, so above ``MAX_ARIMA_SEASON`` it is fitted non-seasonal (season 1) and says so in
``note``; every model also runs in a child process killed after ``--timeout`` seconds
(``error`` says so). AutoETS itself drops seasonality above 24 (statsforecast's rule; its
``note`` says so).

``--verify`` checks, per model on the first input series: (1) the cross-validation one-step
forecasts equal a hand loop ``model.fit(y[:test_start])`` then ``model.forward(y[:t])``;
(2) replacing the values after index k by garbage leaves every forecast of an index <= k
unchanged (no look-ahead); (3) ``refit=True`` gives different forecasts (so (1) is not
vacuous: refitting would show).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import sys
import time
import traceback

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import warnings  # noqa: E402 - after the thread variables, before numpy reads them

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

warnings.filterwarnings("ignore")

MODELS = ("AutoETS", "AutoARIMA", "AutoTheta")
MAX_ARIMA_SEASON = 24
LEVEL = 90


def _version() -> str:
    import statsforecast

    return statsforecast.__version__


def _model(name: str, season: int):
    from statsforecast import models

    note = ""
    if name == "AutoARIMA" and season > MAX_ARIMA_SEASON:
        note = f"AutoARIMA fitted non-seasonal: season {season} > {MAX_ARIMA_SEASON} (seasonal search runs over 10 min)"
        season = 1
    elif name == "AutoETS" and season > 24:
        note = f"AutoETS fits no seasonal component above season 24 (statsforecast's rule; season {season})"
    return getattr(models, name)(season_length=season), season, note


def _frame(y: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y), dtype=np.int64), "y": y.astype(float)})


def one_step_cv(name: str, y: np.ndarray, season: int, ts: int, level: int = LEVEL, refit=False) -> dict:
    """One-step forecasts for t = ts..N-1 (fit once on y[:ts] unless refit): mean, lo, hi arrays."""
    from statsforecast import StatsForecast

    model, _, _ = _model(name, season)
    sf = StatsForecast(models=[model], freq=1, n_jobs=1)
    n_windows = len(y) - ts
    cv = sf.cross_validation(df=_frame(y), h=1, n_windows=n_windows, step_size=1, refit=refit, level=[level])
    cv = cv.sort_values("ds")
    ds = cv["ds"].to_numpy()
    assert np.array_equal(ds, np.arange(ts, len(y))), "cross-validation windows are not t = test_start..N-1"
    assert np.array_equal(cv["cutoff"].to_numpy(), ds - 1), "a window's cutoff is not t - 1"
    alias = str(model)
    return {
        "mean": cv[alias].to_numpy(float),
        "lo": cv[f"{alias}-lo-{level}"].to_numpy(float),
        "hi": cv[f"{alias}-hi-{level}"].to_numpy(float),
    }


def multistep(name: str, y: np.ndarray, season: int, ts: int, level: int = LEVEL) -> dict:
    model, _, _ = _model(name, season)
    model.fit(y=y[:ts].astype(float))
    res = model.predict(h=len(y) - ts, level=[level])
    return {
        "mean": np.asarray(res["mean"], float),
        "lo": np.asarray(res[f"lo-{level}"], float),
        "hi": np.asarray(res[f"hi-{level}"], float),
    }


def _clean(a) -> list:
    return [None if not math.isfinite(float(v)) else float(f"{float(v):.10g}") for v in a]


def run_model(name: str, y: np.ndarray, season: int, ts: int, level: int) -> dict:
    _, season_used, note = _model(name, season)
    t0 = time.perf_counter()
    one = one_step_cv(name, y, season, ts, level)
    multi = multistep(name, y, season, ts, level)
    return {
        "one_step": _clean(one["mean"]),
        "one_step_lo": _clean(one["lo"]),
        "one_step_hi": _clean(one["hi"]),
        "multistep": _clean(multi["mean"]),
        "lo": _clean(multi["lo"]),
        "hi": _clean(multi["hi"]),
        "seconds": round(time.perf_counter() - t0, 3),
        "season_used": season_used,
        "note": note,
        "error": None,
    }


def _child(conn, name, y, season, ts, level):
    try:
        conn.send(run_model(name, y, season, ts, level))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=3)})
    finally:
        conn.close()


def run_with_timeout(name: str, y: np.ndarray, season: int, ts: int, level: int, timeout: float) -> dict:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, name, y, season, ts, level), daemon=True)
    t0 = time.perf_counter()
    proc.start()
    child.close()
    out, timed_out = None, False
    if parent.poll(timeout):
        try:
            out = parent.recv()
        except EOFError:
            out = None
        proc.join(30)
    else:
        timed_out = True
    if proc.is_alive():
        proc.kill()
        proc.join()
    if out is None:
        why = f"timed out after {timeout:g} s" if timed_out else f"child exited with code {proc.exitcode}"
        _, season_used, note = _model(name, season)
        out = {"error": why, "seconds": round(time.perf_counter() - t0, 3), "season_used": season_used, "note": note}
    return out


def main_run(inp: str, outp: str, timeout: float) -> None:
    spec = json.load(open(inp))
    import statsforecast  # noqa: F401 - imported once here, inherited by the forked model children
    from statsforecast import models as _models  # noqa: F401

    models = spec.get("models") or list(MODELS)
    level = int(spec.get("level", LEVEL))
    results = {}
    for s in spec["series"]:
        y = np.asarray(s["values"], float)
        season = int(s["season"] or 1)
        ts = int(s["test_start"])
        entry = {"name": s["name"], "n": len(y), "season": s["season"], "test_start": ts, "models": {}}
        for name in models:
            t0 = time.perf_counter()
            entry["models"][name] = run_with_timeout(name, y, season, ts, level, timeout)
            err = entry["models"][name].get("error")
            print(
                f"[peer] {s['name']:15s} {name:10s} {time.perf_counter() - t0:7.1f} s"
                + (f"  ERROR {err}" if err else ""),
                file=sys.stderr,
                flush=True,
            )
        results[s["key"]] = entry
    json.dump({"version": _version(), "level": level, "results": results}, open(outp, "w"))


def main_verify(inp: str) -> int:
    spec = json.load(open(inp))
    s = spec["series"][0]
    y = np.asarray(s["values"], float)
    season, ts = int(s["season"] or 1), int(s["test_start"])
    n = len(y)
    k = ts + (n - ts) // 2
    ok = True
    print(f"verify on {s['name']}: N={n} season={season} test_start={ts} statsforecast {_version()}")
    for name in spec.get("models") or MODELS:
        cv = one_step_cv(name, y, season, ts)["mean"]
        model, _, _ = _model(name, season)
        model.fit(y=y[:ts])
        hand = np.array([model.forward(y=y[:t], h=1)["mean"][0] for t in range(ts, n)])
        d1 = float(np.max(np.abs(cv - hand)))
        bad = y.copy()
        bad[k + 1 :] = bad[k + 1 :] * 3.0 + 1000.0
        cv_bad = one_step_cv(name, bad, season, ts)["mean"]
        d2 = float(np.max(np.abs(cv[: k - ts + 1] - cv_bad[: k - ts + 1])))
        d2_after = float(np.max(np.abs(cv[k - ts + 1 :] - cv_bad[k - ts + 1 :])))
        cv_refit = one_step_cv(name, y, season, ts, refit=True)["mean"]
        d3 = float(np.max(np.abs(cv - cv_refit)))
        good = d1 < 1e-8 and d2 < 1e-8 and d2_after > 0 and d3 > 1e-8
        ok &= good
        print(
            f"  {name:10s} |cv - fit-once+forward| max {d1:.3g}; "
            f"forecasts for t<={k} after changing y[{k + 1}:] move by {d2:.3g} (later ones by {d2_after:.3g}); "
            f"|refit=False - refit=True| max {d3:.3g}  -> {'OK' if good else 'FAILED'}"
        )
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inp")
    ap.add_argument("outp", nargs="?")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per model and series (default 300)")
    ap.add_argument("--verify", action="store_true")
    a = ap.parse_args(argv)
    if a.verify:
        return main_verify(a.inp)
    if not a.outp:
        ap.error("OUT.json is required")
    main_run(a.inp, a.outp, a.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
