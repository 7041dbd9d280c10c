"""Torch threads per training process: one process alone, and two at once (``lstm_core/threads.py``).

Run from the repository root (about 3-5 minutes on 2 cores)::

    .venv/bin/python -m benchmarks.bench_threads                # markdown table on stdout
    .venv/bin/python -m benchmarks.bench_threads --reps 3 --budget-s 400 --md out.md
    .venv/bin/python -m benchmarks.bench_threads --engine-rev HEAD   # the committed engine

The engine is frozen for the run: ``lstm_core/`` is copied once at the start
(``benchmarks/engine_snapshot.py``; from the working tree, or from ``--engine-rev``) and every
process imports that copy, so edits made meanwhile do not mix into one table.

Every training is a fresh process (``python benchmarks/bench_threads.py --worker``, a tiny
driver) that reads its settings from environment variables: ``BENCH_THREADS`` (a number, set
with ``torch.set_num_threads`` and ``OMP_NUM_THREADS``, and ``LSTM_LAB_KEEP_THREADS=1`` so that
``fit_run`` keeps it; or ``auto``: the count the engine
picks, ``threads.choose_threads(hidden, layers)`` applied with ``threads.apply`` right before
training, as ``python -m lstm_core train`` does, with no ``OMP_NUM_THREADS`` set),
``BENCH_HIDDEN``, ``BENCH_LAYERS``, ``BENCH_SEED``. The worker imports everything, builds the
airline frame (``lstm_core.data.generate("airline")``, season 12) and runs one small untimed
``fit_run`` with one thread (imports and first-call costs out of the way), prints ``READY`` and
waits; once every process of the scenario is ready the parent sends ``go`` to all of them at
once, so concurrent trainings really overlap. Each then sets its thread count (as the CLI does
right before training) and times ``fit_run(frame, cfg, 12)`` (fit and evaluation,
``time.perf_counter``; ``RunConfig()`` apart from the model size and seed) and reports its wall
and CPU seconds.

Scenarios, for the default model (LSTM, hidden 32, 1 layer) and a larger one (hidden 256, 2
layers): one process with 1 thread; one process with 2 threads; two processes at once with 2
threads each; two processes at once with the engine's pick each; and for the default model, two
processes at once that call ``fit_run`` from Python with torch's default count (one per core),
as a notebook or a script does (``BENCH_THREADS=python``: no ``OMP_NUM_THREADS``, nothing chosen
by the caller; ``fit_run`` picks, ``threads.small_model_threads``; the table shows the count it
trained with). Timings on these shared
machines drift by 30% over minutes, so the repetitions are interleaved (each repetition runs
every scenario once, in a rotated order) and each ratio compares a scenario with the
1-process/1-thread run of the same model in the same repetition (median over repetitions).
"Alone" means no other process of this benchmark: other load on the machine is not under its
control, so the idle cores seen just before each scenario are in the table. A training still
running max(``--cap-s``, ``--cap-factor`` x the same repetition's 1-process/1-thread time of that
model) after its start is stopped and counts as a lower bound (oversubscribed OpenMP threads can
make a run 10-50x slower); after ``--reps-min`` repetitions, no new one starts when it would
overrun ``--budget-s``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = {"default (32x1)": (32, 1), "large (256x2)": (256, 2)}
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


# ----------------------------------------------------------------------------- worker (one training)


def worker() -> int:
    """One training process: settings from BENCH_* variables; READY, wait for go, train, print JSON."""
    mode = os.environ.get("BENCH_THREADS", "1")
    hidden = int(os.environ.get("BENCH_HIDDEN", "32"))
    layers = int(os.environ.get("BENCH_LAYERS", "1"))
    seed = int(os.environ.get("BENCH_SEED", "0"))

    # Everything fit_run imports on its first call, so that the timed call does not pay for it.
    import statsmodels.tsa.holtwinters  # noqa: F401
    import statsmodels.tsa.stattools  # noqa: F401
    import torch

    from lstm_core import forecast, strategy, threads  # noqa: F401
    from lstm_core.callbacks import Callbacks
    from lstm_core.config import RunConfig
    from lstm_core.data import Series, generate
    from lstm_core.pipeline import fit_run

    threads.apply(1)  # the warm-up: one thread (an oversubscribed warm-up would only cost time)
    frame = generate("airline")
    warm = RunConfig()
    warm.data.transform, warm.train.epochs, warm.train.ensemble = "none", 2, 1
    warm.model.hidden_size, warm.model.num_layers = hidden, layers
    fit_run(Series(frame.copy(), season=12), warm)  # untimed: first-call costs
    time.sleep(0.5)  # let BLAS/OpenMP worker threads of the warm-up stop spinning (they would skew idle_cores)

    print("READY", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1
    idle = None
    if mode == "python":  # a plain fit_run call from Python: torch's default count, nothing chosen here
        torch.set_num_threads(threads.available_cores())
        threads.release()
    elif mode != "auto":
        threads.apply(int(mode))
    else:  # as the CLI: choose and apply right before training, with the claims of other processes
        # (idle cores sampled here only so that the table can show them; choose_threads samples its own)
        idle = None if threads.is_small(hidden, layers) else threads.idle_cores()
        threads.apply(threads.choose_threads(hidden, layers))
    if mode != "python":
        print(json.dumps({"threads": torch.get_num_threads(), "idle": idle}), flush=True)  # known even if stopped
    cfg = RunConfig()
    cfg.model.hidden_size, cfg.model.num_layers = hidden, layers
    cfg.train.seed = seed
    data = frame.copy()
    c0 = time.process_time()
    t0 = time.perf_counter()
    seen: set[int] = set()  # the thread counts fit_run trained with (its own choice in "python" mode)
    run = fit_run(
        Series(data, season=12), cfg, callbacks=Callbacks(on_epoch=lambda _s: seen.add(torch.get_num_threads()))
    )
    wall = time.perf_counter() - t0
    if mode == "python":
        print(json.dumps({"threads": max(seen), "idle": None}), flush=True)
    cpu = time.process_time() - c0
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "epochs": len(run.history)}), flush=True)
    return 0


# ----------------------------------------------------------------------------- parent


@dataclass(frozen=True)
class Scenario:
    model: str
    procs: int
    threads: str  # "1", "2", "auto" (the CLI's pick) or "python" (fit_run called with torch's default)

    @property
    def label(self) -> str:
        each = {"auto": "engine's pick", "python": "fit_run from Python (torch's default count)"}.get(
            self.threads, f"{self.threads} thread{'s' if self.threads != '1' else ''}"
        )
        return f"{self.procs} process{'es at once' if self.procs > 1 else ' alone'}, {each}" + (
            " each" if self.procs > 1 else ""
        )


def scenarios() -> list[Scenario]:
    out = []
    for model in MODELS:
        out += [Scenario(model, 1, "1"), Scenario(model, 1, "2"), Scenario(model, 2, "2"), Scenario(model, 2, "auto")]
        if model.startswith("default"):
            out.append(Scenario(model, 2, "python"))
    return out


def _env(sc: Scenario, seed: int, engine: Path) -> dict:
    env = dict(os.environ)
    for v in THREAD_VARS:
        env.pop(v, None)
    env.pop("LSTM_LAB_KEEP_THREADS", None)
    if sc.threads not in ("auto", "python"):
        for v in THREAD_VARS:
            env[v] = sc.threads
        env["LSTM_LAB_KEEP_THREADS"] = "1"  # fit_run keeps the count set here (threads.small_model_threads)
    hidden, layers = MODELS[sc.model]
    env.update(
        {
            "BENCH_THREADS": sc.threads,
            "BENCH_HIDDEN": str(hidden),
            "BENCH_LAYERS": str(layers),
            "BENCH_SEED": str(seed),
            "PYTHONPATH": str(engine),
        }
    )
    return env


def run_scenario(sc: Scenario, seed: int, cap_s: float, engine: Path) -> list[dict]:
    """Start ``sc.procs`` workers, release them together, return their result dicts.

    A worker still training ``cap_s`` seconds after the release is stopped; its dict then has
    ``stopped: True`` and ``wall_s`` = the seconds it had run (a lower bound).
    """
    procs = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker"],
            cwd=engine,
            env=_env(sc, seed + i, engine),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        for i in range(sc.procs)
    ]
    try:
        for p in procs:
            line = p.stdout.readline().strip()
            if line != "READY":
                raise RuntimeError(f"worker did not get ready (said {line!r}, exit {p.poll()})")
        for p in procs:  # release them back to back
            p.stdin.write("go\n")
            p.stdin.flush()
        t_go = time.perf_counter()
        out = []
        for p in procs:
            res: dict = {}
            try:
                stdout, _ = p.communicate(timeout=max(0.1, t_go + cap_s - time.perf_counter()))
            except subprocess.TimeoutExpired:
                p.kill()
                stdout, _ = p.communicate()  # what it printed before (its thread count)
                res = {"wall_s": time.perf_counter() - t_go, "cpu_s": float("nan"), "stopped": True}
            else:
                if p.returncode != 0:
                    raise RuntimeError(f"worker exited with {p.returncode}")
            for line in (stdout or "").splitlines():
                if line.startswith("{"):
                    res = {**json.loads(line), **res}
            if "wall_s" not in res:
                raise RuntimeError(f"worker printed no result: {stdout!r}")
            out.append(res)
        return out
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def _med(xs: list[float]) -> float:
    xs = sorted(xs)
    n = len(xs)
    return float("nan") if n == 0 else (xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2]))


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Torch threads per training process (markdown table).")
    ap.add_argument("--reps", type=int, default=3, help="interleaved repetitions at most (default 3)")
    ap.add_argument(
        "--budget-s",
        type=float,
        default=300.0,
        help="no new repetition once it would end after this many seconds (default 300)",
    )
    ap.add_argument("--reps-min", type=int, default=2, help="repetitions run whatever the budget (default 2)")
    ap.add_argument(
        "--cap-s",
        type=float,
        default=6.0,
        help="a training is stopped (shown as ≥) after max(this, --cap-factor x the same repetition's "
        "1-process/1-thread time of that model) seconds (default 6)",
    )
    ap.add_argument("--cap-factor", type=float, default=2.0, help="see --cap-s (default 2)")
    ap.add_argument("--md", default="", help="also write the table to this file")
    ap.add_argument(
        "--engine-rev",
        default="",
        help="benchmark lstm_core at this git revision (default: the working tree, copied at the start)",
    )
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        return worker()
    from benchmarks.engine_snapshot import snapshot

    with tempfile.TemporaryDirectory(prefix="bench_threads_engine_") as tmp:
        engine = Path(tmp)
        about = snapshot(engine, a.engine_rev or None)
        sys.path.insert(0, str(engine))
        return measure(a, engine, about)


def measure(a: argparse.Namespace, engine: Path, about: str) -> int:
    from lstm_core import threads

    assert Path(threads.__file__).resolve().is_relative_to(engine.resolve()), threads.__file__
    t_start = time.perf_counter()
    idle0 = threads.idle_cores(0.5)
    load0 = os.getloadavg()
    scs = scenarios()
    results: dict[Scenario, list[list[dict]]] = {sc: [] for sc in scs}  # per rep: one dict per process
    idle_before: dict[Scenario, list[float]] = {sc: [] for sc in scs}
    rep_times: list[float] = []
    models = list(MODELS)
    for rep in range(a.reps):
        if rep >= a.reps_min and time.perf_counter() - t_start + max(rep_times) > a.budget_s:
            break
        t_rep = time.perf_counter()
        # Interleaved: models alternate first; per model its 1-process/1-thread run comes first (it sets the
        # cap), the other scenarios follow in an order rotated by the repetition.
        order = []
        for model in models[rep % 2 :] + models[: rep % 2]:
            base = Scenario(model, 1, "1")
            rest = [sc for sc in scs if sc.model == model and sc != base]
            order += [base] + rest[rep % len(rest) :] + rest[: rep % len(rest)]
        base_wall: dict[str, float] = {}
        for sc in order:
            idle = threads.idle_cores(0.3)
            idle_before[sc].append(idle)
            is_base = sc == Scenario(sc.model, 1, "1")
            cap = 600.0 if is_base else max(a.cap_s, a.cap_factor * base_wall.get(sc.model, 0.0))
            res = run_scenario(sc, seed=0, cap_s=cap, engine=engine)
            if is_base:
                base_wall[sc.model] = res[0]["wall_s"]
            results[sc].append(res)
            print(
                f"[bench_threads] rep {rep} {sc.model:14s} {sc.label:40s} idle {idle:.1f}  "
                + "  ".join(
                    f"{r['wall_s']:.2f} s{' STOPPED' if r.get('stopped') else ''} ({r.get('threads', '?')} thr)"
                    for r in res
                ),
                file=sys.stderr,
                flush=True,
            )
        rep_times.append(time.perf_counter() - t_rep)
    n_reps = len(rep_times)

    quiet_min = 1.5  # idle cores before a scenario (and its baseline) for a repetition to count as quiet
    rows = []
    for sc in scs:
        per_rep = results[sc]
        base_sc = Scenario(sc.model, 1, "1")
        runs = [r for res in per_rep for r in res]
        cpus = [r["cpu_s"] for r in runs if not r.get("stopped")]
        used = sorted({r["threads"] for r in runs if r.get("threads")})
        idles = [r["idle"] for r in runs if r.get("idle") is not None]
        threads_txt = "/".join(map(str, used))
        if sc.threads == "auto":
            threads_txt += (
                f" (picked; idle cores seen {min(idles):.1f}–{max(idles):.1f})" if idles else " (picked: small model)"
            )
        cells, ratios, quiet = [], [], []
        for i, res in enumerate(per_rep):
            cells.append(
                ", ".join(f"{'≥' if r.get('stopped') else ''}{r['wall_s']:.2f}" for r in res)
                + f" [{idle_before[sc][i]:.1f}]"
            )
            # A stopped run is a lower bound, and so is any median over it (the median is monotone).
            ratio = (
                _med([r["wall_s"] for r in res]) / results[base_sc][i][0]["wall_s"],
                any(r.get("stopped") for r in res),
            )
            ratios.append(ratio)
            if min(idle_before[sc][i], idle_before[base_sc][i]) >= quiet_min:
                quiet.append(ratio)

        def show(rs: list[tuple[float, bool]]) -> str:
            return "–" if not rs else ("≥ " if any(b for _, b in rs) else "") + f"{_med([v for v, _ in rs]):.2f}"

        rows.append(
            [
                sc.model,
                sc.label,
                threads_txt,
                *cells,
                " / ".join(show([r]) for r in ratios),
                show(ratios),
                show(quiet),
                f"{_med(cpus):.2f}" if cpus else "–",
            ]
        )
    header = (
        ["model", "scenario", "torch threads per process"]
        + [f"rep {i + 1}: s per process [idle cores before]" for i in range(n_reps)]
        + [
            "÷ 1 process 1 thread, per rep",
            "median ÷",
            f"median ÷, quiet reps (≥ {quiet_min:g} idle)",
            "CPU s per process",
        ]
    )
    text = "\n".join(
        [
            f"## Torch threads per training process: airline fit_run(RunConfig()), {n_reps} interleaved repetitions",
            "",
            table(header, rows),
            "",
            f"Training = fit_run wall time in the process (fit + evaluation; imports, data and a warm-up run "
            f"excluded), seed 0 (second process seed 1). Ratios: per repetition against the 1-process/1-thread run "
            f"of the same model in that repetition (two processes: their median), then the median over repetitions, "
            f"and over the quiet ones only. 'Alone' = no other process of this benchmark; the machine's other load "
            f"shows as [idle cores] sampled just before each scenario (2.0 = an idle 2-core machine). "
            f"A training still running max({a.cap_s:g} s, {a.cap_factor:g} × the same repetition's 1-process/1-thread "
            f"time of that model) after its start is stopped: ≥, a lower bound. "
            f"Machine: {os.cpu_count()} CPUs; before the run {idle0:.1f} cores idle, load average {load0[0]:.2f}; "
            f"total {time.perf_counter() - t_start:.0f} s. Engine: {about}.",
        ]
    )
    print(text)
    if a.md:
        Path(a.md).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
