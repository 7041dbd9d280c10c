"""How far choosing among the representations could take the multi-step forecast: a ceiling.

Each series is fitted once with the engine's defaults (``fit_run``, as bench_forecast does). On
the same networks, the test span's forecast from its start is scored (RMSE ÷ the best of the
engine's naive, seasonal naive and Holt-Winters forecasts on the same points) for:

* ``shipped``: the run's own forecast (its members' paths combined as ``combine.PATHS`` says);
* ``mean``: the plain mean of the members' paths;
* ``weighted``: the members' paths weighted by 1 / their backtest MSE (where every member has a
  backtest score);
* ``backtest pick``: the member whose representation the backtest scored best;
* ``oracle``: the member that did best over the test span itself, which no rule can know;
* ``worst``: the member that did worst.

``oracle`` is a ceiling for any rule that picks one representation; a rule that picks well would
land near it. Where ``backtest pick`` is far above ``oracle``, the data before the test part does
not tell which representation will hold up over it.

    .venv/bin/python -m benchmarks.bench_member_oracle                    # five sets, seed 0
    .venv/bin/python -m benchmarks.bench_member_oracle --sets holdout --seeds 0,1
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from benchmarks.bench_path_range import _rmse, emit, gmean, set_series

BASELINES = ("naive", "seasonal_naive", "holt_winters")
ARMS = ("shipped", "mean", "weighted", "backtest pick", "oracle", "worst")


def fit(series, seed: int):
    """The series fitted with the engine's defaults."""
    from lstm_core.config import RunConfig
    from lstm_core.data import Series
    from lstm_core.pipeline import fit_run

    cfg = RunConfig()
    cfg.train.seed = seed
    return fit_run(Series(series.frame.copy(), season=series.season_hint), cfg)


def scores(run) -> dict[str, float]:
    """Every arm's test-span RMSE ÷ the best baseline's, and ``members``: the path members' count."""
    m = run.metrics
    best = min(m.baselines_multistep[b].rmse for b in BASELINES if m.baselines_multistep.get(b) is not None)
    combo, prep = run.combination, run.prep
    ts = prep.test_start
    actual = prep.y[ts:]
    paths = np.array([combo._member_y(mm, np.array([ts]), len(actual))[0] for mm in combo.path_members])
    each = np.array([_rmse(actual, p) for p in paths]) / best  # (members,)
    bt = {b["representation"]: b["rmse"] for b in (m.to_dict()["info"].get("backtest") or [])}
    bt_each = np.array([bt.get(mm.prep.transform.name, math.nan) for mm in combo.path_members])
    row = {
        "shipped": m.test_multistep.rmse / best,
        "mean": _rmse(actual, paths.mean(axis=0)) / best,
        "oracle": float(each.min()),
        "worst": float(each.max()),
        "members": len(paths),
    }
    if np.all(np.isfinite(bt_each)) and np.all(bt_each > 0):
        w = 1 / bt_each**2
        row["weighted"] = _rmse(actual, (paths * (w / w.sum())[:, None]).sum(axis=0)) / best
        row["backtest pick"] = float(each[int(np.argmin(bt_each))])
    else:  # a short series' backtest does not score every member
        row["weighted"] = row["backtest pick"] = math.nan
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="suite,holdout,fpp,outside5,outside6")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--md", default="", help="also write the tables to this file")
    a = ap.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",")]
    t0 = time.perf_counter()
    table = ["| set | series | " + " | ".join(ARMS) + " | oracle ÷ shipped, median |", "|" + "---|" * (3 + len(ARMS))]
    detail = ["| set | series | members | " + " | ".join(ARMS) + " |", "|" + "---|" * (3 + len(ARMS))]
    for set_name in a.sets.split(","):
        per: dict[str, list[dict]] = {}
        for series in set_series(set_name):
            for seed in seeds:
                try:
                    row = scores(fit(series, seed))
                except Exception as exc:  # noqa: BLE001 - a line per failure, the set goes on
                    print(f"{set_name} {series.name} seed {seed}: {type(exc).__name__}: {exc}", flush=True)
                    continue
                per.setdefault(series.name, []).append(row)
                print(
                    f"{set_name} {series.name} seed {seed}: " + " ".join(f"{k} {row[k]:.3f}" for k in ARMS), flush=True
                )
        if not per:
            continue
        med = {n: {k: float(np.median([r[k] for r in rows])) for k in (*ARMS, "members")} for n, rows in per.items()}
        for n, r in med.items():
            detail.append(
                f"| {set_name} | {n} | {r['members']:.0f} | " + " | ".join(f"{r[k]:.3f}" for k in ARMS) + " |"
            )
        ratio = float(np.median([r["oracle"] / r["shipped"] for r in med.values()]))
        table.append(
            f"| {set_name} | {len(med)} | "
            + " | ".join(f"{gmean([r[k] for r in med.values()]):.3f}" for k in ARMS)
            + f" | {ratio:.2f} |"
        )
    return emit(
        [
            f"## Choosing among the representations: a ceiling (engine defaults, seeds {a.seeds})",
            "",
            "Test-span multi-step RMSE ÷ the best of naive, seasonal naive and Holt-Winters on the same points, "
            "geometric means over series (medians over seeds). `weighted` and `backtest pick` only where the "
            "backtest scored every member (else left out of their means).",
            "",
            *table,
            "",
            *detail,
        ],
        t0,
        a.md,
    )


if __name__ == "__main__":
    raise SystemExit(main())
