"""Gates and Learn pages' helpers: which models can be shown, cached replays, URL state, presenter CSS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import streamlit as st

from lstm_core import gates as gt
from lstm_core.model import Ensemble, Forecaster
from lstm_core.prep import Prepared

from . import runs_view, state


@dataclass
class Source:
    """A model the Gates page can open: a finished run, or a snapshot of one still training."""

    key: str
    label: str
    model: Forecaster | Ensemble  # eval mode, never trained further
    prep: Prepared
    version: int  # changes whenever the weights do (epoch of a live snapshot)
    history: list = field(default_factory=list)  # per-epoch gate statistics
    live: bool = False
    networks: int = 1  # networks behind the run's forecast (the gates are network 1's)

    @property
    def cell(self) -> str:
        return self.model.cfg.cell

    @property
    def layers(self) -> int:
        return self.model.cfg.num_layers


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _live_model(job_id: str, epoch: int, _rec: gt.GateRecorder):
    """A CPU copy of a training job's weights after ``epoch`` (built once per epoch)."""
    snap = _rec.snapshot()
    return None if snap is None else snap[1]


def sources() -> dict[str, Source]:
    """Finished (or stopped) runs of this session and restored zips, then live snapshots."""
    out: dict[str, Source] = {}
    for key, (label, run) in runs_view.available_runs().items():
        out[key] = Source(
            key,
            label,
            run.model,
            run.prep,
            id(run),
            list(getattr(run, "gate_history", []) or []),
            networks=run.networks,
        )
    reg = state.registry()
    for snap in reg.jobs_for(state.owner()):
        if not snap.active or snap.id in out:
            continue
        job = reg.get(snap.id)
        rec = job.recorder if job is not None else None
        if rec is None or rec.epoch < 1:
            continue
        model = _live_model(snap.id, rec.epoch, rec)
        if model is not None:
            out[f"live:{snap.id}"] = Source(
                f"live:{snap.id}",
                f"{snap.label} — training, snapshot after epoch {rec.epoch}",
                model,
                rec.prep,
                rec.epoch,
                rec.get_history(),
                live=True,
            )
    return out


@st.cache_resource(show_spinner="Replaying the gates...", max_entries=24, ttl=3600)
def traces(key: str, version: int, mode: str, target: int | None, _src: Source) -> list[gt.GateTrace]:
    """Every layer's trace for (run, weights version, mode, window); shared, read-only."""
    return gt.trace_run(_src.model, _src.prep, mode, target)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def saturation_table(key: str, version: int, mode: str, target: int | None, layer: int, label: str, _src: Source):
    return gt.saturation_frame(traces(key, version, mode, target, _src)[layer], label)


def restore_from_url(
    params: dict[str, tuple[str, Callable[[str], Any]]], options: dict[str, list] | None = None
) -> None:
    """Seed widget keys from ``st.query_params`` once (before the widgets are drawn).

    ``params`` maps URL name -> (session key, cast). ``options`` limits values to valid choices.
    """
    options = options or {}
    for name, (key, cast) in params.items():
        if key in st.session_state or name not in st.query_params:
            continue
        try:
            value = cast(st.query_params[name])
        except (TypeError, ValueError):
            continue
        if name in options and value not in options[name]:
            continue
        st.session_state[key] = value


def write_url(values: dict[str, object]) -> None:
    """Keep the given view state in the URL (only what changed, so reruns stay cheap)."""
    for name, value in values.items():
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != text:
            st.query_params[name] = text


def to_bool(text: str) -> bool:
    return str(text).lower() in ("1", "true", "yes", "on")


def presenter_css(hide: list[str]) -> None:
    """Presenter mode: no sidebar, the given keyed containers hidden, larger text and equations."""
    hidden = ", ".join(f".st-key-{k}" for k in hide)
    st.html(f"""<style>
      [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {{display: none;}}
      {hidden} {{display: none !important;}}
      .block-container, [data-testid="stMainBlockContainer"] {{max-width: 100% !important; padding-top: 1rem !important;}}
      [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {{font-size: 1.45rem !important;}}
      [data-testid="stCaptionContainer"] {{font-size: 1.1rem !important;}}
      .katex {{font-size: 1.55em !important;}}
      h1 {{font-size: 3rem !important;}}
    </style>""")


def clamp(value: int, lo: int, hi: int) -> int:
    return int(min(max(int(value), lo), hi))


def window_choices(prep: Prepared) -> np.ndarray:
    return gt.window_targets(prep)
