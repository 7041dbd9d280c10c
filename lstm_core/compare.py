"""Compare model variants side by side on the same data, split, scaler and seeds.

A :class:`CompareConfig` holds one shared :class:`DataConfig` and :class:`TrainConfig`, up
to :data:`MAX_VARIANTS` :class:`Variant` s (cell, hidden size, layers, look_back, learning
rate) and the seeds (1 to :data:`MAX_SEEDS`). Every (variant, seed) pair becomes one
:class:`RunConfig` through :func:`variant_run_config`; nothing else differs between variants,
so the test points, scaler and baselines are identical for all (the split depends on the
fractions only, and the scaler is fitted on the same training rows).

:func:`summarize` turns per-seed results into the comparison table (mean and standard
deviation across seeds, the baselines as extra rows); :func:`run_comparison` trains
everything sequentially (the command line); the app submits the same configs to the job
registry instead, each job tagged with :func:`job_tags` (comparison id, variant, seed).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from .config import BOUNDS, CELL_TYPES, MISSING_POLICIES, ConfigError, DataConfig, RunConfig, TrainConfig
from .data.series import Series, as_series
from .gates import saturation_frame, trace_run
from .metrics import column_decimals, figure_text, fixed_text
from .results import RunMetrics
from .tables import NO_SEASON, seasonal_naive_is_naive
from .verdict import holt_winters_name

log = logging.getLogger(__name__)

MAX_VARIANTS = 6
MAX_SEEDS = 5
#: (key in run metrics, metric key, table column) for the mean ± std columns, in order.
METRIC_COLUMNS = (
    ("test", "rmse", "test RMSE"),
    ("test", "mae", "test MAE"),
    ("test", "mase", "test MASE"),
    ("test_multistep", "rmse", "multi-step RMSE"),
)
#: Columns where lower is better (the best value per column is marked in the app).
#: "epochs to best" is not among them: fewer epochs to the lowest validation loss says when that loss bottomed
#: out (its curve rose after), not that the variant is better, and it was marked best like an error
LOWER_IS_BETTER = tuple(c for _, _, c in METRIC_COLUMNS) + ("parameters", "train seconds")
BASELINE_LABELS = {
    "naive": "baseline: naive",
    "seasonal_naive": "baseline: seasonal naive",
    "holt_winters": "baseline: Holt-Winters",
}
_NAME_RE = re.compile(r"^[\w .,+()\-]{1,40}$")
#: The Data page's reading options a comparison JSON may carry (``"reading"``): how its data file
#: was read, so that ``compare --config`` reads the same file the same way.
READING_KEYS = ("missing", "dayfirst", "date_format")


@dataclass
class Variant:
    """What differs between the compared models; everything else is shared."""

    name: str = ""  # label in the table and charts; empty = derived from the fields
    cell: str = "lstm"  # rnn | lstm | gru | peephole | cifg
    hidden_size: int = 32
    num_layers: int = 1
    look_back: int = 12
    lr: float = 0.01  # Adam learning rate

    def label(self) -> str:
        return self.name or f"{self.cell} h{self.hidden_size} x{self.num_layers} lb{self.look_back} lr{self.lr:g}"


@dataclass
class CompareConfig:
    """Shared data and training settings, the variants and the seeds."""

    data: DataConfig = field(default_factory=DataConfig)
    # its lr and seed are set per variant / seed; one network per seed (the seeds are the replicates)
    train: TrainConfig = field(default_factory=lambda: TrainConfig(ensemble=1))
    variants: list[Variant] = field(default_factory=lambda: [Variant(cell="lstm"), Variant(cell="gru")])
    seeds: list[int] = field(default_factory=lambda: [0])
    #: How the data file was read (:data:`READING_KEYS`: missing-value policy, day first, strptime
    #: format); None where unknown (a JSON exported before it was kept). See :func:`reading_of`.
    reading: dict[str, Any] | None = None

    def names(self) -> list[str]:
        return [v.label() for v in self.variants]

    def validate(self) -> None:
        """Raise ConfigError with one sentence on the first problem found."""
        if not 1 <= len(self.variants) <= MAX_VARIANTS:
            raise ConfigError(f"A comparison needs 1 to {MAX_VARIANTS} variants (got {len(self.variants)}).")
        if not 1 <= len(self.seeds) <= MAX_SEEDS:
            raise ConfigError(f"A comparison needs 1 to {MAX_SEEDS} seeds (got {len(self.seeds)}).")
        if len(set(self.seeds)) != len(self.seeds) or any(not isinstance(s, int) or s < 0 for s in self.seeds):
            raise ConfigError(f"seeds must be distinct whole numbers of 0 or more (got {self.seeds}).")
        names = self.names()
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ConfigError(f"Variant name {dup[0]!r} is used twice; give every variant a distinct name.")
        for n in names:
            if not _NAME_RE.match(n):
                raise ConfigError(
                    f"Variant name {n[:50]!r} must be 1-40 letters, digits, spaces or .,+()-_ characters."
                )
        top = BOUNDS["seed"].hi  # numpy's and torch's seeds
        if top is not None and max(self.seeds) > top:
            raise ConfigError(f"seeds must be at most {int(top)} (got {max(self.seeds)}); choose smaller ones.")
        RunConfig(data=self.data, train=self.train).validate()  # the shared settings, named as they are
        for v in self.variants:
            try:
                variant_run_config(self, v, self.seeds[0]).validate()
            except ConfigError as exc:
                raise ConfigError(f"Variant {v.label()!r}: {exc}") from None

    # ------------------------------------------------------------------ JSON round trip
    def to_dict(self) -> dict[str, Any]:
        return {
            "data": self.data.to_dict(),
            "train": self.train.to_dict(),
            "variants": [asdict(v) for v in self.variants],
            "seeds": list(self.seeds),
            **({"reading": dict(self.reading)} if self.reading is not None else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, d: Any) -> CompareConfig:
        """Build and validate; every problem is a ConfigError naming the field."""
        if not isinstance(d, dict):
            raise ConfigError("A comparison config must be a JSON object with keys data, train, variants and seeds.")
        unknown = sorted(set(d) - {"data", "train", "variants", "seeds", "reading"})
        if unknown:
            raise ConfigError(
                f"Unknown comparison field(s) {unknown}; valid fields are data, train, variants, seeds, reading."
            )
        reading = _reading(d.get("reading"))
        for key in ("data", "train"):
            if not isinstance(d.get(key, {}), dict):
                raise ConfigError(f"{key!r} must be a JSON object of {key} settings.")
        variants = d.get("variants")
        if not isinstance(variants, list) or not variants:
            raise ConfigError(
                "'variants' must be a non-empty list of objects (cell, hidden_size, num_layers, look_back, lr)."
            )
        names = {f.name for f in fields(Variant)}
        out = []
        for i, v in enumerate(variants, 1):
            if not isinstance(v, dict):
                raise ConfigError(f"Variant {i} must be a JSON object, not {type(v).__name__}.")
            bad = sorted(set(v) - names)
            if bad:
                raise ConfigError(f"Unknown field(s) {bad} in variant {i}; valid fields are {sorted(names)}.")
            var = Variant(**v)
            _check_types(var, i)
            out.append(var)
        seeds = d.get("seeds", [0])
        if not isinstance(seeds, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds):
            raise ConfigError(f"'seeds' must be a list of whole numbers (got {seeds!r}).")
        try:
            data, train = _settings(DataConfig, d, "data"), _settings(TrainConfig, d, "train")
        except TypeError as exc:
            raise ConfigError(f"Bad data/train settings: {exc}.") from None
        if "ensemble" not in d.get("train", {}):
            # one network per seed, as the page's comparisons and CompareConfig() train: a JSON that left it out
            # trained an automatic ensemble of about 20x the parameters and time, seed replicates of ensembles
            train = replace(train, ensemble=1)
        if "look_back" in d.get("data", {}):  # a variant that sets none takes the data's, not the default 12
            for var, v in zip(out, variants):
                if "look_back" not in v:
                    var.look_back = data.look_back
        cfg = cls(data=data, train=train, variants=out, seeds=list(seeds), reading=reading)
        cfg.validate()
        return cfg

    @classmethod
    def from_json(cls, text: str | bytes) -> CompareConfig:
        if isinstance(text, str):
            text = text.removeprefix("\ufeff")  # a byte order mark, as Windows' Notepad saves UTF-8
        try:
            d = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"The comparison config is not valid JSON ({str(exc)[:120]}).") from None
        return cls.from_dict(d)


def _reading(given: Any) -> dict[str, Any] | None:
    """The ``"reading"`` object of a comparison JSON, checked (None where it has none)."""
    if given is None:
        return None
    if not isinstance(given, dict):
        raise ConfigError(f"'reading' must be a JSON object with keys {', '.join(READING_KEYS)}.")
    bad = sorted(set(given) - set(READING_KEYS))
    if bad:
        raise ConfigError(f"Unknown 'reading' field(s) {bad}; valid fields are {', '.join(READING_KEYS)}.")
    missing, dayfirst, date_format = (given.get(k) for k in READING_KEYS)
    if missing is not None and missing not in MISSING_POLICIES:
        raise ConfigError(f"reading.missing must be one of {', '.join(MISSING_POLICIES)} (got {missing!r}).")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise ConfigError(f"reading.dayfirst must be true, false or null (got {dayfirst!r}).")
    if date_format is not None and (not isinstance(date_format, str) or not date_format.strip()):
        raise ConfigError(f"reading.date_format must be a strptime format such as %d.%m.%Y (got {date_format!r}).")
    return dict(given)


def reading_of(report: Any) -> dict[str, Any]:
    """The reading options (:data:`READING_KEYS`) a :class:`~lstm_core.data.DataReport` says its file
    was read with: the missing-value policy, day first as decided (None where the dates were not
    ambiguous) and the strptime format given (None: read from the data)."""
    return {
        "missing": report.missing_policy,
        "dayfirst": report.dayfirst,
        "date_format": getattr(report, "date_format", None),
    }


def say_reading(key: str, value: Any) -> str:
    """One reading option (:data:`READING_KEYS`) in words: ``missing values drop``, ``day first``."""
    if key == "missing":
        return f"missing values {value}"
    if key == "dayfirst":
        return "dates decided from the data" if value is None else ("day first" if value else "month first")
    return f"date format {value}" if value is not None else "dates read without a format"


def reading_mismatch(reading: dict[str, Any] | None, report: Any) -> str | None:
    """One sentence where a comparison JSON's ``reading`` names options other than those the data
    of ``report`` were read with (its results came from the file read that way), else None."""
    given, now = reading or {}, reading_of(report)
    differ = [k for k in READING_KEYS if given.get(k) is not None and given[k] != now[k]]
    if not differ:
        return None
    return (
        f"This comparison's data were read with {', '.join(say_reading(k, given[k]) for k in differ)}; the data "
        f"loaded now with {', '.join(say_reading(k, now[k]) for k in differ)}. Load the file again on the Data "
        "page with its options to compare on the same values."
    )


def _settings(kind: type[DataConfig] | type[TrainConfig], d: dict, key: str) -> Any:
    """``d[key]`` as a ``kind``, where an error names the JSON's key (``train.epochs``), not the class."""
    try:
        return kind.from_dict(d.get(key, {}))
    except ConfigError as exc:
        message = str(exc).replace(f"Unknown {kind.__name__} field", f"Unknown {key!r} field")
        raise ConfigError(message.replace(f"{kind.__name__}.", f"{key}.")) from None


def check_fits(data: Series | pd.DataFrame, cfg: CompareConfig) -> None:
    """Raise ConfigError, naming the variant, where a variant's settings do not fit the series (a
    look_back longer than its training part...), as :func:`~lstm_core.pipeline.fit_run` would when
    that variant's turn came: before any variant trains, not after the ones before it did."""
    from .prep import Transform, fitted_look_back, prepare, split_points

    series = as_series(data)
    for v in cfg.variants:
        settings = variant_run_config(cfg, v, cfg.seeds[0]).data
        auto = settings.transform == "auto"
        if auto and settings.uses_target_history:  # as fit_run fits a long look_back to a short series
            train_end, _ = split_points(len(series), settings.val_fraction, settings.test_fraction)
            settings = replace(settings, look_back=fitted_look_back(settings.look_back, train_end))
        try:
            prepare(series, settings, transform=Transform() if auto else None)
        except ConfigError as exc:
            raise ConfigError(f"Variant {v.label()!r}: {exc}") from None


def _check_types(v: Variant, i: int) -> None:
    """Reject wrong JSON types early (a string hidden size, a list as a cell...)."""
    if not isinstance(v.name, str):
        raise ConfigError(f"Variant {i}: name must be text.")
    v.name = v.name.strip()  # as the page's table takes it: "   " is named from the fields, " a" is "a"
    if v.cell not in CELL_TYPES:
        raise ConfigError(f"Variant {i}: unknown cell {v.cell!r}; choose one of {', '.join(CELL_TYPES)}.")
    for k in ("hidden_size", "num_layers", "look_back"):
        val = getattr(v, k)
        if not isinstance(val, int) or isinstance(val, bool):
            raise ConfigError(f"Variant {i}: {k} must be a whole number (got {val!r}).")
    if not isinstance(v.lr, (int, float)) or isinstance(v.lr, bool):
        raise ConfigError(f"Variant {i}: lr must be a number (got {v.lr!r}).")
    v.lr = float(v.lr)


def unset_look_backs(d: Any) -> list[int]:
    """The positions (0-based) of the variants of the comparison JSON object ``d`` (one that
    :meth:`CompareConfig.from_dict` took) whose window the JSON leaves to the data: neither the
    variant nor ``d["data"]`` sets ``look_back``. :meth:`CompareConfig.from_dict` gave them the
    :class:`Variant` default of 12; the command line gives them, with :func:`set_look_back`, the
    window ``train`` without ``--look-back`` starts from (:func:`lstm_core.prep.look_back_for`: a
    day of steps on hourly data that repeats weekly, a third of the training part of a short series).
    A look_back that is set, even 12, is kept as it is."""
    if not isinstance(d, dict) or "look_back" in (d.get("data") or {}):
        return []
    variants = d.get("variants") or []
    return [i for i, v in enumerate(variants) if isinstance(v, dict) and "look_back" not in v]


def set_look_back(cfg: CompareConfig, which: list[int], look_back: int) -> None:
    """Give the variants of ``cfg`` at the positions ``which`` (:func:`unset_look_backs`) the
    window ``look_back``, and the shared data settings too (the JSON set no look_back there
    either), in place; ``cfg`` is then validated again (a derived name says ``lb24``)."""
    if not which:
        return
    for i in which:
        cfg.variants[i].look_back = int(look_back)
    cfg.data = replace(cfg.data, look_back=int(look_back))
    cfg.validate()


def variant_run_config(cfg: CompareConfig, variant: Variant, seed: int) -> RunConfig:
    """The full RunConfig for one variant and seed: shared data/train settings + the variant's fields."""
    shared = RunConfig(data=cfg.data, train=cfg.train)
    return shared.replace(
        look_back=variant.look_back,
        lr=variant.lr,
        seed=seed,
        cell=variant.cell,
        hidden_size=variant.hidden_size,
        num_layers=variant.num_layers,
    )


def job_label(variant: str, seed: int) -> str:
    """The job label the app shows (display only: pages group jobs by :func:`job_tags`)."""
    return f"{variant} · seed {seed}"


def job_tags(group: str, variant: str, seed: int) -> dict[str, str | int]:
    """The tags of one (variant, seed) job of comparison ``group``: what the pages group by."""
    return {"kind": "compare", "group": group, "variant": variant, "seed": int(seed)}


def config_from_runs(named: dict[str, list[dict]], seeds: list[int]) -> CompareConfig:
    """Rebuild a CompareConfig from each variant's RunConfig dicts (a reattached comparison)."""
    variants, first = [], None
    for name, cfgs in named.items():
        rc = RunConfig.from_dict(cfgs[0])
        first = first or rc
        variants.append(
            Variant(
                name=name,
                cell=rc.model.cell,
                hidden_size=rc.model.hidden_size,
                num_layers=rc.model.num_layers,
                look_back=rc.data.look_back,
                lr=rc.train.lr,
            )
        )
    if first is None:
        raise ConfigError("No runs to rebuild a comparison from.")
    return CompareConfig(data=first.data, train=first.train, variants=variants, seeds=list(seeds))


# ---------------------------------------------------------------------- results
@dataclass
class SeedResult:
    """One trained (variant, seed): its metrics (``Run.metrics``) and loss history."""

    variant: str
    seed: int
    metrics: RunMetrics
    val_loss: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # (epochs,)
    train_loss: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))


def _get(m: RunMetrics | None, key: str, metric: str) -> float:
    scores = getattr(m, key, None) if m is not None else None
    v = getattr(scores, metric) if scores is not None else None
    return float(v) if v is not None else float("nan")


def _mean_std(values: list[float]) -> tuple[float, float]:
    a = np.asarray(values, dtype=np.float64)
    a = a[np.isfinite(a)]
    if not len(a):
        return float("nan"), float("nan")
    # one seed has no spread to measure: NaN (an empty cell in results.csv), not 0.0, which read as
    # "every seed gave this"
    return float(a.mean()), float(a.std(ddof=1)) if len(a) > 1 else float("nan")


def csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`summarize`'s table as its CSV files write it (the CLI's ``results.csv``, the Compare page's
    download): ``parameters`` whole numbers, empty for the baselines (the page wrote ``209.0``)."""
    out = table.copy()
    out["parameters"] = out["parameters"].astype("Int64")
    return out


def summarize(results: Iterable[SeedResult], order: list[str] | None = None) -> pd.DataFrame:
    """The comparison table: one row per variant (mean and std across seeds), then the baselines
    (but the seasonal naive one where it is the naive one, on a series without a season:
    :func:`lstm_core.tables.seasonal_naive_is_naive`; say :func:`no_season_note` beside the table).

    Columns: ``model``, ``kind`` (variant / baseline), ``seeds``, for each metric of
    :data:`METRIC_COLUMNS` the mean and ``<name> std``, then ``parameters``, ``train seconds``
    and ``epochs to best`` (means). Baselines are deterministic and identical for every
    variant (same test points), so their std is 0 and they have no parameters. A variant with one
    finished seed has no std (NaN): its spread is unknown.
    """
    results = list(results)
    groups: dict[str, list[SeedResult]] = {}
    for r in results:
        groups.setdefault(r.variant, []).append(r)
    names = [n for n in (order or []) if n in groups] + [n for n in groups if n not in (order or [])]
    rows = []
    for name in names:
        rs = groups[name]
        row: dict[str, Any] = {"model": name, "kind": "variant", "seeds": len(rs)}
        for key, metric, col in METRIC_COLUMNS:
            row[col], row[f"{col} std"] = _mean_std([_get(r.metrics, key, metric) for r in rs])
        info = [r.metrics.info for r in rs]
        row["parameters"] = float(info[0].parameters)
        row["train seconds"] = _mean_std([i.train_seconds for i in info])[0]
        row["epochs to best"] = _mean_std([i.best_epoch for i in info])[0]
        rows.append(row)
    if results:
        m = results[0].metrics
        # on a series without a season the seasonal naive forecast is the naive one, row for row: the
        # Nile's "baseline: seasonal naive 179.9" under "baseline: naive 179.9" read as a second reference
        same = seasonal_naive_is_naive(m)
        for k, label in BASELINE_LABELS.items():
            if k == "seasonal_naive" and same:
                continue
            if k == "holt_winters":  # named for what it fitted: Holt's linear trend where there is no season
                label = f"baseline: {holt_winters_name(m)}"
            one = m.baselines.get(k)
            multi = m.baselines_multistep.get(k)
            if not one:
                continue
            row = {"model": label, "kind": "baseline", "seeds": 0}
            for key, metric, col in METRIC_COLUMNS:
                src = multi if key == "test_multistep" else one
                v = getattr(src, metric) if src is not None else None
                row[col] = float(v) if v is not None else float("nan")
                row[f"{col} std"] = 0.0
            row.update({"parameters": float("nan"), "train seconds": float("nan"), "epochs to best": float("nan")})
            rows.append(row)
    cols = (
        ["model", "kind", "seeds"]
        + [c for _, _, name in METRIC_COLUMNS for c in (name, f"{name} std")]
        + ["parameters", "train seconds", "epochs to best"]
    )
    return pd.DataFrame(rows, columns=cols)


def no_season_note(results: Iterable[SeedResult]) -> str | None:
    """:data:`lstm_core.tables.NO_SEASON` where :func:`summarize` leaves the seasonal naive baseline
    out of the table of ``results``, else None."""
    first = next(iter(results), None)
    return NO_SEASON if first is not None and seasonal_naive_is_naive(first.metrics) else None


def best_per_column(table: pd.DataFrame) -> dict[str, str]:
    """Column -> model name with the lowest value (ties: the first); NaN columns are skipped."""
    out = {}
    for col in LOWER_IS_BETTER:
        if col in table and table[col].notna().any():
            out[col] = str(table.loc[table[col].idxmin(), "model"])
    return out


def loss_bands(curves: dict[str, list[np.ndarray]]) -> dict[str, dict[str, np.ndarray]]:
    """Per variant, the loss across seeds per epoch: ``epoch, mean, std, lo (min), hi (max), n``.

    Seeds may stop at different epochs (early stopping); each epoch uses the seeds that
    reached it. Non-finite values are ignored.
    """
    out = {}
    for name, arrays in curves.items():
        arrays = [np.asarray(a, dtype=np.float64) for a in arrays if len(a)]
        if not arrays:
            out[name] = {k: np.zeros(0) for k in ("epoch", "mean", "std", "lo", "hi", "n")}
            continue
        n = max(len(a) for a in arrays)
        mat = np.full((len(arrays), n), np.nan)
        for i, a in enumerate(arrays):
            mat[i, : len(a)] = np.where(np.isfinite(a), a, np.nan)
        cnt = np.isfinite(mat).sum(0)
        ok = cnt > 0
        with np.errstate(all="ignore"):
            mean = np.nanmean(mat[:, ok], 0)
            # the sample std, as the results table's "±" (np.nanstd's population std of two seeds is half
            # their range: "mean ± std" drew the min-max band again); none where one seed has the epoch
            sq = np.nansum((mat[:, ok] - mean) ** 2, 0)
            std = np.where(cnt[ok] > 1, np.sqrt(sq / np.maximum(cnt[ok] - 1, 1)), 0.0)
            lo, hi = np.nanmin(mat[:, ok], 0), np.nanmax(mat[:, ok], 0)
        out[name] = {"epoch": np.arange(1, n + 1)[ok], "mean": mean, "std": std, "lo": lo, "hi": hi, "n": cnt[ok]}
    return out


def run_saturation(run) -> pd.DataFrame:
    """Per layer and gate, the mean left/right saturated fractions over a Run's whole series.

    Built on :mod:`lstm_core.gates` (``trace_run`` + ``saturation_frame``; tanh traces g / n
    / h are rescaled to (0, 1)). Columns ``layer, gate, left, right, mean``.
    """
    parts = [saturation_frame(tr) for tr in trace_run(run.model, run.prep, "series")]
    frame = pd.concat(parts, ignore_index=True)
    out = frame.groupby(["layer", "gate"], sort=False)[["left", "right", "mean"]].mean().reset_index()
    out["layer"] = out["layer"] + 1
    return out


def forecast_overlay(runs: dict[str, list], column: str = "one_step") -> pd.DataFrame:
    """Per variant, the predictions ``column`` (``one_step`` or ``multistep``) averaged over seeds:
    columns time, actual, part, <variant>..."""
    base = None
    for name, rs in runs.items():
        preds = [r.predictions for r in rs if r is not None and r.predictions is not None]
        if not preds:
            continue
        if base is None:
            base = preds[0][["time", "actual", "part"]].copy()
        base[name] = np.mean(np.stack([p[column].to_numpy(np.float64) for p in preds]), axis=0)
    return base if base is not None else pd.DataFrame(columns=["time", "actual", "part"])


# ---------------------------------------------------------------------- sequential runner
def run_comparison(
    data: Series | pd.DataFrame,
    cfg: CompareConfig,
    *,
    on_progress: Callable[[str, int, int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> tuple[pd.DataFrame, list[SeedResult]]:
    """Train every (variant, seed) one after another; returns ``(summarize(...), per-seed results)``.

    ``data`` is a :class:`~lstm_core.data.Series` (or a bare frame, no season).
    ``on_progress(variant, seed, done, total)`` is called after each run. ``stop.set()``
    cancels the current run and skips the rest. Raises ConfigError / TrainingDiverged with
    the variant named.
    """
    from .callbacks import Callbacks
    from .pipeline import fit_run
    from .train import TrainingDiverged

    cfg.validate()
    results: list[SeedResult] = []
    total, done = len(cfg.variants) * len(cfg.seeds), 0
    for v in cfg.variants:
        for seed in cfg.seeds:
            if stop is not None and stop.is_set():
                break
            rc = variant_run_config(cfg, v, seed)
            try:
                run = fit_run(data, rc, callbacks=Callbacks(stop=stop or threading.Event()))
            except (ConfigError, TrainingDiverged) as exc:
                raise type(exc)(f"Variant {v.label()!r}, seed {seed}: {exc}") from None
            hist = run.history_frame()
            assert run.metrics is not None  # fit_run evaluates every run
            log.info("compare: %s seed %d trained (%s)", v.label(), seed, run.fit.status)
            results.append(
                SeedResult(
                    v.label(),
                    seed,
                    run.metrics,
                    hist["val_loss"].to_numpy(np.float32, na_value=np.nan),
                    hist["train_loss"].to_numpy(np.float32),
                )
            )
            done += 1
            if on_progress is not None:
                on_progress(v.label(), seed, done, total)
    return summarize(results, cfg.names()), results


def look_back_notes(results: Iterable[SeedResult]) -> list[str]:
    """One sentence per variant whose networks used a shorter window than its look_back (an ``auto``
    run on a series too short for it, :func:`lstm_core.prep.fitted_look_back`), in the results'
    order: "Variant 'lb 12': The networks used a look_back of 7 instead of 12: ...". The table
    names the variant's look_back as asked ("lb 12"), so lb 6 against lb 12 on a short yearly series
    compared 6 with 7 and the page did not say so."""
    out: dict[str, str] = {}
    for r in results:
        guards = getattr(r.metrics, "guards", None)
        said = getattr(guards, "look_back", None)
        if said and r.variant not in out:
            out[r.variant] = f"Variant {r.variant!r}: {said}"
    return list(out.values())


def per_seed_frame(results: list[SeedResult]) -> pd.DataFrame:
    """One row per (variant, seed) with the headline metrics (the CLI's runs.csv)."""
    rows = []
    for r in results:
        row = {"variant": r.variant, "seed": r.seed}
        for key, metric, col in METRIC_COLUMNS:
            row[col] = _get(r.metrics, key, metric)
        info = r.metrics.info
        row.update(
            {
                "parameters": info.parameters,
                "train seconds": info.train_seconds,
                "epochs to best": info.best_epoch,
                "epochs run": info.epochs_run,
                "status": info.status,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- reading the results
#: The metric that ranks the rows (the ★) and that the seed-spread sentence is about.
HEADLINE = "test RMSE"


def _pm(mean: float, std: float, seeds: int, decimals: int | None = None) -> str:
    """``mean ± std`` (``mean`` alone for one seed), both to ``decimals`` (a column's
    :func:`~lstm_core.metrics.column_decimals`; None: the mean's own): the table read
    "12.35 ± 0.4567" and, in one column, "2.14 ± 0.061" under "5.126"."""
    if not np.isfinite(mean):
        return "—"
    if abs(mean) >= 1e15:  # exponent notation, as figure_text writes such a figure
        return f"{figure_text(mean)} ± {figure_text(std, 2)}" if seeds > 1 and np.isfinite(std) else figure_text(mean)
    d = column_decimals([mean]) if decimals is None else decimals
    # 10,080,000,000,000 ± 210,000,000,000 as the Forecast page writes a big error, not 1.008e+13 ± 2.1e+11
    return f"{fixed_text(mean, d)} ± {fixed_text(std, d)}" if seeds > 1 and np.isfinite(std) else fixed_text(mean, d)


def readable_table(table: pd.DataFrame, shapes: dict[str, dict] | None = None) -> pd.DataFrame:
    """:func:`summarize` for reading at 1366 px: one text column per metric (``mean ± std``).

    Columns: ``model`` (★ on the row with the lowest :data:`HEADLINE`), ``cell``, ``size`` (hidden
    size × layers, look-back), ``seeds``, the metrics, ``parameters``, ``train s``. ``shapes`` maps a
    variant name to its RunConfig dict (``model`` and ``data`` parts). "—" wherever a value does
    not apply (a baseline has no seeds, spread, cell or size).
    """
    shapes = shapes or {}
    best = table[HEADLINE].idxmin() if HEADLINE in table and table[HEADLINE].notna().any() else None
    # one number of decimals per metric column, for every mean and spread in it
    decimals = {col: column_decimals(table[col].to_numpy(dtype=np.float64)) for _, _, col in METRIC_COLUMNS}
    rows = []
    for i, r in table.iterrows():
        variant = r["kind"] == "variant"
        seeds = int(r["seeds"]) if variant else 0
        shape = shapes.get(str(r["model"]), {})
        model, data = shape.get("model", {}), shape.get("data", {})
        row = {
            "model": ("★ " if i == best else "") + str(r["model"]),
            "cell": str(model.get("cell", "—")) if variant else "—",
            "size": (
                f"h{model['hidden_size']} × {model['num_layers']}, lb {data.get('look_back', '?')}"
                if variant and "hidden_size" in model
                else "—"
            ),
            "seeds": str(seeds) if variant else "—",
        }
        for _, _, col in METRIC_COLUMNS:
            row[col] = _pm(float(r[col]), float(r[f"{col} std"]), seeds, decimals[col])
        row["parameters"] = f"{r['parameters']:,.0f}" if np.isfinite(r["parameters"]) else "—"
        row["train s"] = figure_text(r["train seconds"], 3) if np.isfinite(r["train seconds"]) else "—"
        rows.append(row)
    cols = ["model", "cell", "size", "seeds", *(c for _, _, c in METRIC_COLUMNS), "parameters", "train s"]
    return pd.DataFrame(rows, columns=cols)


#: The results columns a baseline may win.
BASELINE_CHECKS = ("test RMSE", "multi-step RMSE")


def _apart(a: float, b: float, digits: int = 4, decimals: int | None = None) -> tuple[str, str]:
    """``a`` and ``b`` with ``digits`` significant digits, or as many more as tell them apart: a
    baseline's 123.891 and a variant's 123.914 read "123.9 against 123.9" (written as
    :func:`lstm_core.metrics.figure_text` writes them). With ``decimals`` (their table column's,
    :func:`readable_table`), that many decimals or as many more as tell them apart, as the table
    writes them (its "240.857" read "240.9" in the sentence under it)."""
    if decimals is not None and max(abs(a), abs(b)) < 1e15:
        for d in range(decimals, decimals + 18):
            said = fixed_text(a, d), fixed_text(b, d)
            if said[0] != said[1]:
                return said
        return said
    for d in range(digits, 18):
        said = figure_text(a, d), figure_text(b, d)
        if said[0] != said[1]:
            return said
    return said


def baseline_lead(table: pd.DataFrame, escape: Callable[[str], str] = str) -> str:
    """A sentence when a baseline beats every variant (``table``: :func:`lstm_core.compare.summarize`).

    The spread sentence ranks the variants only ("GRU 16 has the lowest test RMSE (43.48)"), while
    the table's ★ sat on Holt-Winters (43.16), whose multi-step RMSE was half the best variant's:
    an analyst reading the sentence took GRU 16 for the winner. Per column of
    :data:`BASELINE_CHECKS`, the best baseline is named where its mean is below every variant's;
    "" when no baseline does. ``escape`` makes a variant's name literal Markdown.
    """
    variants = table[table["kind"] == "variant"]
    baselines = table[table["kind"] == "baseline"]
    wins: dict[str, list[str]] = {}  # baseline -> what it wins, in the table's order
    named: set[str] = set()
    for col in BASELINE_CHECKS:
        if col not in table or not variants[col].notna().any() or not baselines[col].notna().any():
            continue
        v, b = variants.loc[variants[col].idxmin()], baselines.loc[baselines[col].idxmin()]
        if b[col] < v[col]:
            who = f"**{escape(str(v['model']))}**"
            best = who if who in named else f"the best variant, {who}"
            named.add(who)
            name = str(b["model"]).removeprefix("baseline: ")
            won, lost = _apart(float(b[col]), float(v[col]), decimals=column_decimals(table[col].to_numpy(float)))
            wins.setdefault(name, []).append(f"the lowest {col} ({won} against {lost} for {best})")
    if not wins:
        return ""
    said = "; ".join(f"{name} has " + " and ".join(parts) for name, parts in wins.items())
    return f"A baseline beats every variant: {said}. Try other variants or settings."


#: The columns the verdict ranks the variants by: one step ahead, and the whole test part from its start.
VERDICT_METRICS = (HEADLINE, "multi-step RMSE")


def verdicts(results: Iterable[SeedResult], escape: Callable[[str], str] = str) -> list[str]:
    """:func:`spread_sentence` for each column of :data:`VERDICT_METRICS` that has a ranking: the
    one-step sentence alone named peephole 8 best while GRU 8 had the lowest multi-step RMSE (52.85
    against 54.81), and nothing said which variant forecasts the test part best from its start."""
    results = list(results)
    return [said for metric in VERDICT_METRICS if (said := spread_sentence(results, metric, escape))]


def spread_sentence(results: Iterable[SeedResult], metric: str = HEADLINE, escape: Callable[[str], str] = str) -> str:
    """Whether the best variant's lead over the next is larger than the seed-to-seed spread.

    Compares the two variants with the lowest mean ``metric``: the lead is "larger than the seed
    spread" when their seed ranges (min to max) do not overlap, else "within" it; the pooled
    standard deviation is quoted. One seed per variant: the spread is unknown, and it says so.
    The sentence is Markdown, the two names in bold; ``escape`` makes a name literal there (the
    page's ``md_escape``: a variant named ``[big](http://evil.example)`` is text, not a link).
    """
    key, name = next((k, m) for k, m, c in METRIC_COLUMNS if c == metric)
    per: dict[str, list[float]] = {}
    for r in results:
        v = _get(r.metrics, key, name)
        if np.isfinite(v):
            per.setdefault(r.variant, []).append(v)
    if len(per) < 2:
        return ""
    ranked = sorted(per, key=lambda n: float(np.mean(per[n])))
    va, vb = np.asarray(per[ranked[0]]), np.asarray(per[ranked[1]])
    a, b = escape(ranked[0]), escape(ranked[1])
    lead = float(vb.mean() - va.mean())
    head = (
        f"**{a}** has the lowest {metric} of the variants ({figure_text(va.mean())}); **{b}** is next "
        f"({figure_text(vb.mean())}), {figure_text(lead, 3)} behind."
    )
    if min(len(va), len(vb)) < 2:
        # "With one seed each" was wrong beside a variant of two seeds (a comparison one of whose runs
        # was deleted): the one with a single seed is named
        alone = "each" if len(va) == len(vb) else f"of **{a if len(va) == 1 else b}**"
        return (
            head + f" With one seed {alone}, the seed-to-seed spread is unknown: add seeds to tell a real difference "
            "from luck."
        )
    pooled = float(np.sqrt(((len(va) - 1) * va.var(ddof=1) + (len(vb) - 1) * vb.var(ddof=1)) / (len(va) + len(vb) - 2)))
    if va.max() < vb.min():
        return head + (
            f" The lead is larger than the seed spread: every seed of {a} beat every seed of {b} "
            f"(pooled std across seeds {figure_text(pooled, 3)})."
        )
    return head + (
        f" The lead is within the seed spread: their seeds' ranges overlap (pooled std across seeds {figure_text(pooled, 3)}), "
        "so with these seeds the two are not clearly different."
    )
