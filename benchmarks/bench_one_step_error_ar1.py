"""Would a lag-1 correction of the one-step errors, fitted on the validation part, help? (session 38)

Networks with fixed weights can leave autocorrelated one-step errors (a level network lagging a
moving series). The classic repair is an error model: ``ŷ'_t = ŷ_t + β e_{t-1}``, with β the
least-squares lag-1 coefficient of the validation part's one-step errors. This script fits each
series once with the engine's defaults (seed 0) and scores three rules on the test part's one-step
predictions, as RMSE ÷ the uncorrected RMSE (geometric means per set; below 1 is better):

* ``full``: β as fitted; ``half``: β / 2 (shrunk); ``significant``: β only where the validation
  errors' lag-1 correlation exceeds 2/√n, else no correction.

Printed table: ``benchmarks/results/bench_one_step_error_ar1.md``. Nothing here changes the engine::

    python -m benchmarks.bench_one_step_error_ar1 [--sets suite,holdout,fpp,outside5,outside6,outside7]
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from benchmarks.bench_member_oracle import fit
from benchmarks.bench_path_range import gmean, set_series

RULES = ("full", "half", "significant")


def corrections(run) -> dict[str, float] | None:
    """Test-part one-step RMSE of each rule ÷ the uncorrected one; None where the validation part
    has under 6 one-step predictions or the test part under 3."""
    p = run.predictions
    y, f, part = p["actual"].to_numpy(), p["one_step"].to_numpy(), p["part"].to_numpy()
    e = y - f  # (n,) one-step errors, NaN where no window fits
    val = np.flatnonzero((part == "val") & np.isfinite(e))
    test = np.flatnonzero((part == "test") & np.isfinite(e))
    if len(val) < 6 or len(test) < 3:
        return None
    now, before = e[val][1:], e[val][:-1]
    beta = float(np.dot(now, before) / max(float(np.dot(before, before)), 1e-300))
    rho = float(np.corrcoef(now, before)[0, 1]) if np.std(now) > 0 and np.std(before) > 0 else 0.0
    prev = e[test - 1]
    ok = np.isfinite(prev)
    base = math.sqrt(float(np.mean(e[test][ok] ** 2)))
    if base == 0:
        return None
    betas = {"full": beta, "half": beta / 2, "significant": beta if abs(rho) > 2 / math.sqrt(len(val)) else 0.0}
    return {k: math.sqrt(float(np.mean((e[test][ok] - b * prev[ok]) ** 2))) / base for k, b in betas.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="suite,holdout,fpp,outside5,outside6,outside7")
    a = ap.parse_args()
    lines = [
        "| set | series scored | full β | β / 2 | β where significant | series worse by over 5% (full β) |",
        "|---|---|---|---|---|---|",
    ]
    for name in a.sets.split(","):
        scored = [c for s in set_series(name) if (c := corrections(fit(s, 0))) is not None]
        worse = sum(c["full"] > 1.05 for c in scored)
        means = " | ".join(f"{gmean([c[k] for c in scored]):.4f}" for k in RULES)
        lines.append(f"| {name} | {len(scored)} | {means} | {worse} |")
        print(lines[-1], flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
