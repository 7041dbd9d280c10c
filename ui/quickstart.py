"""Starting a training run from a page: the twin check, the submit and the one-sentence error.

Shared by the Data page's primary action ("Train an LSTM on this series", the defaults) and the
Train page's form, so both start runs the same way.
"""

from __future__ import annotations

import streamlit as st

from lstm_core.config import ConfigError, RunConfig
from lstm_core.prep import look_back_for

from . import state
from .text import md_escape

#: The Data page's one primary action.
TRAIN_LABEL = "Train an LSTM on this series"


def default_config(ds: state.Dataset) -> RunConfig:
    """The defaults on the dataset's chosen target and inputs, with a window that fits a short series
    (:func:`lstm_core.prep.look_back_for`)."""
    return RunConfig().replace(target=ds.target, inputs=list(ds.inputs), look_back=default_look_back(ds))


def default_look_back(ds: state.Dataset) -> int:
    """The window a run on ``ds`` starts from: :func:`lstm_core.prep.look_back_for` of its length,
    target and frequency (a day of hourly demand, 24; 12 for most series; less for a short one)."""
    values = ds.frame[ds.target] if ds.target in ds.frame.columns else None
    return look_back_for(len(ds.frame), None, values, ds.report.frequency)


def start(ds: state.Dataset, cfg: RunConfig, label: str) -> str | None:
    """Submit ``cfg`` on ``ds`` (or adopt its active twin) and make it the current job.

    Returns the job id, or None after showing the reason with ``st.error``. A double click, two
    quick submits or Start after a reload must not train the same thing twice: same data, config
    and seed give the same run, so the active twin is kept instead (``st.session_state`` notes it
    under ``"train_twin"`` for the Train page to say so).
    """
    reg = state.registry()
    twin = reg.active_twin(state.owner(), ds.series, cfg)
    if twin is not None:
        state.set_job(twin.id)
        st.session_state["train_twin"] = twin.id
        return twin.id
    try:
        job_id = reg.submit(ds.series, cfg, owner=state.owner(), label=label)
    except ConfigError as exc:
        st.error(md_escape(exc))
        return None
    state.set_job(job_id)
    st.session_state["train_scroll"] = job_id  # the Train page brings the live panel into view once
    return job_id


#: Rows up to which the default run takes seconds on these machines (airline's 144 rows: about 2 s; a
#: 52,000-row 10-minute series took 5 min 25 s, most of it the representation backtest).
SECONDS_ROWS = 5_000


def expected_wait(rows: int) -> str:
    """How long the default run on ``rows`` rows takes, as the Data page's Train button says it ("a few
    seconds" stood beside a 52,000-row series that took five minutes)."""
    if rows <= SECONDS_ROWS:
        return "a few seconds"
    return f"minutes rather than seconds on {rows:,} rows"
