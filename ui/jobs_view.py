"""Job views shared by the pages and the sidebar: status, live progress and loss, Stop."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import prep as lcprep
from lstm_core.job_status import JobStatus
from lstm_core.jobs import DAMAGED, DAMAGED_MESSAGE, INTERRUPTED, JobSnapshot
from lstm_core.pipeline import FirstLook

from . import presenter, runs_page, state, throttle
from .figures import series as plots
from .figures import sketch
from .figures.style import HALF_TITLE_CHARS, date_format, date_text, fit_title, row_text
from .text import md_escape, plot_text, visible

POLL_S = 0.5  # refresh of a running job's panel (the live loss chart)
QUEUED_POLL_S = 2.0  # a queued job only changes its queue position: poll gently
EXECUTOR_POLL_S = 5.0  # the Ray cluster's state in the sidebar (only with LSTM_LAB_RAY_ADDRESS set)
#: The run's one-step chart beside the loss: a title that fits half a row (``HALF_TITLE_CHARS``).
HALF_OVERLAY_TITLE = "One-step predictions"
PANEL_CHART_HEIGHT = 340  # the live panel's two charts: on the first screen at 1366x768 under the Train form
#: The loss chart's place before the first epoch (the representation backtest runs first).
WAITING_FOR_EPOCH = (
    '<div style="height:{height}px;display:flex;align-items:center;justify-content:center;font-size:{size};'
    'color:#6b7280;border:1px dashed #d1d5db;border-radius:6px">The loss appears with the first epoch…</div>'
)
# Brings a keyed container's top into view when it starts in the lower part of the screen (a phone:
# the Train form fills the first screen, and the live panel under it was out of sight).
_INTO_VIEW_JS = """
export default function ({ data }) {
  const el = data && document.querySelector(".st-key-" + data.target);
  if (!el) return;
  const frame = requestAnimationFrame(() => {
    if (el.getBoundingClientRect().top > window.innerHeight * 0.6) {
      el.style.scrollMarginTop = "4rem";  // clear of the app's header
      el.scrollIntoView({ block: "start" });
    }
  });
  return () => cancelAnimationFrame(frame);
}
"""
_into_view = st.components.v2.component("lstm_lab_into_view", js=_INTO_VIEW_JS)


def into_view(target: str, key: str) -> None:
    """Scroll the container keyed ``target`` into view once (draws nothing), where its top is below
    the upper 60% of the screen; where it is already in sight nothing moves."""
    _into_view(key=key, data={"target": target}, width="content", height="content")


ICONS = {
    JobStatus.QUEUED: ":material/hourglass_top:",
    JobStatus.RUNNING: ":blue[:material/autorenew:]",
    JobStatus.FINISHED: ":green[:material/check_circle:]",
    JobStatus.CANCELLED: ":orange[:material/stop_circle:]",
    JobStatus.DIVERGED: ":red[:material/error:]",
    JobStatus.FAILED: ":red[:material/cancel:]",
}


def duration(seconds: float | None) -> str:
    """``1m 05s``-style text; ``—`` when unknown."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    m, s = divmod(seconds, 60)
    return f"{m}m {s:02d}s" if m < 60 else f"{m // 60}h {m % 60:02d}m"


#: The icon of a job a server restart interrupted (it can be trained again: not a failure)
INTERRUPTED_ICON = ":orange[:material/restart_alt:]"


def shown_status(snap: JobSnapshot) -> str:
    """The status a person reads: ``interrupted`` (or ``damaged``) for a job a restart cut short, as
    the Runs page names it; the engine keeps it failed, so the sidebar read "my run — failed" in red
    beside the Runs page's "interrupted" and its "you can train it again"."""
    if snap.interrupted:
        return DAMAGED if snap.message == DAMAGED_MESSAGE else INTERRUPTED
    return str(snap.status)


def status_line(snap: JobSnapshot) -> str:
    """One line for lists: icon, label, status and progress."""
    extra = f" · #{snap.position} in queue" if snap.position else ""
    if snap.status == JobStatus.RUNNING and snap.network is not None:
        extra = f" · network {snap.network[0]}/{snap.network[1]}"
    elif snap.status == JobStatus.RUNNING and snap.backtest is not None:
        extra = f" · backtest {snap.backtest[0]}/{snap.backtest[1]}"
    elif snap.status == JobStatus.RUNNING:
        unit = "trained" if snap.kind == "sweep" else "epoch"
        extra = f" · {unit} {snap.epochs_done}/{snap.epochs_planned}"
    icon = INTERRUPTED_ICON if snap.interrupted else ICONS.get(snap.status, "")
    return f"{icon} {md_escape(snap.label)} — {shown_status(snap)}{extra}"


def status_box(snap: JobSnapshot) -> None:
    """The status with its reason: st.error for diverged/failed (one sentence, no traceback); a job a
    restart interrupted is a warning (it can be trained again), not "Failed"."""
    text = f"**{shown_status(snap).capitalize()}** — {md_escape(snap.message)}"
    if snap.interrupted:
        st.warning(text)
    elif snap.status == JobStatus.QUEUED:
        st.info(f"**Queued** — position {snap.position} in the queue; it starts when a worker is free.")
    elif snap.status == JobStatus.RUNNING:
        st.info(text)
    elif snap.status == JobStatus.FINISHED:
        st.success(text)
    elif snap.status == JobStatus.CANCELLED:
        st.warning(text)
    else:
        st.error(text)


def progress_text(snap: JobSnapshot) -> str:
    """Epoch, elapsed, ETA and samples/s, each where it is known."""
    if snap.network is not None:  # the epochs were network 1's: "Epoch 15 / 15 · ETA 0s" with 6 networks to go
        k, total = snap.network
        parts = [f"Network {k} / {total}", f"elapsed {duration(snap.elapsed)}"]
        if snap.eta is not None:
            parts.append(f"ETA {duration(snap.eta)} (about: each network as long as network 1)")
        return " · ".join(parts)
    if snap.backtest is not None:  # "Epoch 0 / 40" for minutes while a long series' representations were backtested
        k, total = snap.backtest
        parts = [f"Backtest network {k} / {total}", f"elapsed {duration(snap.elapsed)}"]
        if snap.eta is not None:
            parts.append(f"backtest ends in about {duration(snap.eta)}, then the run's networks train")
        return " · ".join(parts)
    parts = [f"Epoch {snap.epochs_done} / {snap.epochs_planned}", f"elapsed {duration(snap.elapsed)}"]
    # the ETA while it runs, once an epoch has timed it: a finished run said "ETA — (at most; early
    # stopping may end sooner)", and so did a run before its first epoch, beside "— samples/s"
    if snap.status == JobStatus.RUNNING and snap.eta is not None:
        # with early stopping off every planned epoch runs: "at most; early stopping may end sooner" was untrue
        stops_early = bool(snap.config.get("train", {}).get("patience"))
        parts.append(f"ETA {duration(snap.eta)}" + (" (at most; early stopping may end sooner)" if stops_early else ""))
    if snap.samples_per_s:
        parts.append(f"{snap.samples_per_s:,.0f} samples/s")
    return " · ".join(parts)


def progress(snap: JobSnapshot) -> None:
    """Progress bar with epoch, elapsed, ETA and samples/s."""
    st.progress(min(max(snap.progress, 0.0), 1.0), text=progress_text(snap))


#: Seconds between looks at a run that is loading from disk after a restart, and what the panel says meanwhile.
RESTORING_POLL_S = 1.0
RESTORING_NOTE = "Loading this run, saved before the server restarted: its loss curve and forecast appear in a moment."


def live_job(job_id: str, key: str, done_link: tuple[str, str] | None = None) -> JobSnapshot | None:
    """Status, progress, Stop, the loss chart and the forecast beside it, refreshed every 0.5 s while it runs.

    The forecast column shows the first network's one-step predictions while the rest of an
    ensemble trains (a first result within seconds), then the run's own once it has ended.
    A queued job polls every 2 s. When the job starts or ends, the fragment asks for a full
    rerun, and the next run creates it with the new interval (``None`` once it has ended).
    ``done_link`` (page path, label) is shown under the forecast as soon as the job has a run.
    """
    reg = state.registry()
    first = reg.snapshot(job_id)
    if first is None:
        st.warning(
            "This job is no longer here: it was deleted, or it ended without a run. Your saved runs are on the Runs page."
        )
        return None

    interval = {JobStatus.RUNNING: POLL_S, JobStatus.QUEUED: QUEUED_POLL_S}.get(first.status)
    if first.restoring:  # its run still loading after a restart: drawn again once it is in
        interval = RESTORING_POLL_S
    mine = state.owns(first)  # a shared link shows someone else's job read-only
    if not mine:
        st.caption(":material/visibility: A shared run, shown read-only: only the browser that started it can stop it.")

    @throttle.fragment(run_every=interval)
    def panel() -> None:
        snap = reg.snapshot(job_id)
        if snap is None:
            return
        if first.restoring and not snap.restoring:
            st.rerun()  # loaded: the whole panel, without polling
        status_box(snap)
        if snap.restoring:
            # "Finished — early-stopped after 69 epochs" stood above "Epoch 0 / 4000" and an empty loss chart
            st.info(RESTORING_NOTE)
            return
        if snap.status in (JobStatus.FAILED, JobStatus.CANCELLED) and not (
            len(snap.epochs) or snap.has_run or snap.interrupted
        ):
            # it ended before its first epoch (a split the series is too short for): the status says
            # why, and there is no progress, loss or forecast to show (not "The loss appears..." for good)
            if first.active:
                st.rerun()  # it ended while the page polled: stop polling
            return
        if mine:
            # Stop and Share link at their own width, wrapping when narrow (a sixth of the row cut
            # "Share link" to "S…" at 1024 px)
            bar, tools = st.columns([3, 2], vertical_alignment="center")
            if not snap.interrupted:
                with bar:
                    progress(snap)
            with tools.container(horizontal=True, horizontal_alignment="right"):
                snap = buttons(snap, key) or snap
                share_link(job_id)
        elif not snap.interrupted:
            progress(snap)
        if snap.interrupted:
            # a restart kept its data and settings, not its epochs: no "Epoch 0 / 400" bar and no
            # "The loss appears with the first epoch…" over a run that will not train unless asked
            return
        run = snap.run if snap.status == JobStatus.FINISHED else None
        look = snap.preview if snap.active else None
        has_forecast = look is not None or (run is not None and run.predictions is not None)
        # the forecast beside the loss, on the same screen as the progress; one under the other when
        # presenting (half-width charts cut their projector-size titles: "Loss — lstm h32 on tourism_quart")
        if not has_forecast:
            loss_col, fc_col = st.container(), None
        else:
            loss_col, fc_col = (st.container(), st.container()) if presenter.active() else st.columns(2)
        with loss_col:
            chart_slot = st.container()  # the chart above its switch, drawn once the switch is read
            log_y = st.toggle("Log-scale loss", key=f"{key}_log", value=True)
            if len(snap.epochs):
                fig = plots.loss_figure(
                    snap.epochs,
                    snap.train_loss,
                    snap.val_loss,
                    log_y=log_y,
                    title=f"Loss — {plot_text(snap.label)}",
                    val_name=validation_name(snap.config),
                )
                if fc_col is not None and not presenter.active():
                    # half a row: at 1024 px beside the sidebar the title ran 66 px past the chart
                    # ("Loss — lstm h32 on airline passengers ("); presenting, it has the row
                    fit_title(fig, HALF_TITLE_CHARS)
                presenter.chart(
                    fig.update_layout(height=PANEL_CHART_HEIGHT), key=f"{key}_loss_chart", container=chart_slot
                )
            else:
                # No chart before the first epoch: the browser loads Plotly's script (2-3 s of its
                # main thread on 2 cores) for the first chart, and the first look must not wait for it.
                chart_slot.markdown(
                    WAITING_FOR_EPOCH.format(
                        height=PANEL_CHART_HEIGHT, size="1.45rem" if presenter.active() else "1rem"
                    ),
                    unsafe_allow_html=True,
                )
        if fc_col is not None:
            with fc_col:
                if look is not None:
                    # the value axis named as the run's own chart names it (the config keeps the target)
                    target = (snap.config.get("data") or {}).get("target")
                    first_look(look, key=f"{key}_first_look", y_title=visible(target) if target else None)
                elif run is not None and run.predictions is not None:
                    # the value axis names the target, as the Forecast page's same chart (a class read
                    # 100…700 beside the projected chart and nothing said of what)
                    # a title that fits half a row ("One-step predictions over the series" wrapped at 1024 px)
                    fig = plots.overlay_figure(
                        run.predictions,
                        title=HALF_OVERLAY_TITLE,
                        y_title=plot_text(run.prep.target),
                        # a long series' last points in full, as the Forecast page opens on (thinned: a band)
                        last=plots.detail_spans(run.predictions)[0],
                        # the spikes the networks went without pinned to the edge, as on the Forecast page: one
                        # holiday's drop widened a band to 3,902 for sales near 1,000 and the chart's axis with it
                        spikes=lcprep.future_spikes(run.prep),
                    )
                    fig.update_layout(height=PANEL_CHART_HEIGHT)
                    # half a row, beside the loss: a long series' decimation note ran past its edge
                    # ("One-step predictions over the series (decimated to ~2,000 points a trace of")
                    presenter.chart(presenter.half_title(fig), key=f"{key}_forecast")
                    st.caption(
                        "A first look. The Forecast page has the metrics against baselines, intervals and the future."
                    )
        if done_link is not None and snap.has_run:
            st.page_link(done_link[0], label=done_link[1], icon=":material/insights:")
        if snap.status != first.status and (first.active or snap.active):
            st.rerun()  # full rerun: the job started (poll faster) or ended (stop polling)

    panel()
    return reg.snapshot(job_id)


def validation_name(config: dict) -> str:
    """The loss chart's name for the validation curve: with the weights' moving average
    (``train.weight_average`` > 0) the validation loss is the average's, which early stopping
    judges and the run keeps, not that of the weights the training curve comes from."""
    train = config.get("train") if isinstance(config, dict) else None
    averaged = isinstance(train, dict) and float(train.get("weight_average") or 0) > 0
    return "validation (weights' average)" if averaged else "validation"


def buttons(snap: JobSnapshot, key: str) -> JobSnapshot | None:
    """Stop (while active) or Train it again (interrupted by a restart), for the job's owner.
    Returns the job's snapshot after a Stop (None when nothing was pressed)."""
    reg = state.registry()
    if snap.active and st.button(
        "Stop",
        key=f"{key}_stop",
        icon=":material/stop:",
        width="stretch",
        help="Stops within one batch and keeps the best weights so far.",
    ):
        reg.cancel(snap.id)
        return reg.snapshot(snap.id)
    if snap.interrupted and st.button(
        "Train it again",
        key=f"{key}_retry",
        icon=":material/replay:",
        width="stretch",
        help="Queues the same run again, on the same data, with the same settings.",
    ):
        try:
            state.set_job(reg.retry(snap.id))
        except LookupError as exc:
            st.error(md_escape(exc))
            return None
        st.rerun(scope="app")
    return None


def first_look(look: FirstLook, key: str, y_title: str | None = None) -> None:
    """A first network's one-step predictions, said to be a first look (the run's own replace them).

    Drawn as inline SVG (:mod:`ui.figures.sketch`), not a Plotly chart: it is on screen before
    the browser has loaded Plotly's script (2–3 s on 2 cores). The panel redraws every 0.5 s
    while the other networks train, but a look never changes: its picture is built once per
    look and kept in the session. ``y_title``: the value axis's title (the target's name).
    """
    big = presenter.active()
    held = st.session_state.get(f"{key}_svg")
    if held is not None and held[0] is look and held[1] == big:
        svg = held[2]
    else:
        times = look.predictions["time"].to_numpy()
        svg = sketch.overlay_svg(
            look.predictions, "One-step predictions — first look", date_format(times), big=big, y_title=y_title
        )
        st.session_state[f"{key}_svg"] = (look, big, svg)
    with st.container(key=key):
        # inline in a markdown element, not st.image: that element is on the screen already, so
        # nothing more is loaded; an image element waited for Plotly's script to load (measured)
        st.markdown(svg, unsafe_allow_html=True)
    st.caption(look_caption(look))


def look_caption(look: FirstLook) -> str:
    """What a first look is: which network predicts, and how many the run trains (when known)."""
    nets = "networks" if look.networks is None else f"{look.networks} networks"
    if look.seen_before is None:
        who = f"network 1 of {look.networks} has trained"
    else:
        cut = time_label(look.predictions["time"].to_numpy(), look.seen_before)
        who = f"a quick network, trained on the data before {cut} to compare representations, predicts the rest"
    return (
        f":material/visibility: **First look**: {who}; the run's {nets} are training now. "
        "The final forecast, from all of them, replaces this one with its metrics."
    )


def time_label(times: np.ndarray, i: int) -> str:
    """Point ``i`` of a time column as a reader would write it (a date at the series' spacing, or the
    row's number as the charts draw it: the file's own numbering where it numbers its rows)."""
    if not 0 <= i < len(times):
        return f"row {i}"
    fmt = date_format(times)
    if fmt is None:
        return row_text(times[i], i)
    return date_text(times[i], fmt)


def executor_note() -> None:
    """One sentence on where jobs run when they go to a Ray cluster (nothing for local threads):
    connected with its CPUs, or unreachable (jobs wait in the queue). Refreshed every few seconds."""
    executor = state.registry().executor
    if executor is None:
        return

    @throttle.fragment(run_every=EXECUTOR_POLL_S)
    def note() -> None:
        status = executor.status()
        if status.ok:
            st.caption(f":material/hub: {status.sentence}")
        else:
            st.warning(status.sentence, icon=":material/cloud_off:")

    note()


def share_link(job_id: str) -> None:
    """The job's view-only link (its id only, never this session's owner key), to copy."""
    base = (getattr(st.context, "url", None) or "").split("?")[0]
    with st.popover("Share link", icon=":material/share:"):
        st.caption("Anyone with this link sees this run read-only; they cannot stop it or see your other jobs.")
        st.code(base + state.share_query(job_id), language=None)


#: The sidebar lists this many of the newest jobs; a link to the Runs page says how many more there are.
SIDEBAR_JOBS = 8


def job_list(owner: str) -> None:
    """The session's jobs, newest first; polls while any of them is active."""
    reg = state.registry()
    runs_page.quota_notice(owner)  # runs the disk quota deleted: named here, on every page
    executor_note()
    active = any(s.active for s in reg.jobs_for(owner))

    @throttle.fragment(run_every=2.0 if active else None)
    def jobs() -> None:
        snaps = reg.jobs_for(owner)
        if not snaps:
            # memory lets finished jobs go after two hours; the run store keeps their runs
            saved = len(reg.runs(owner)) if reg.store is not None else 0
            if saved:
                st.page_link(
                    "pages/runs.py", label=f"{saved} saved run(s): see the Runs page", icon=":material/folder_open:"
                )
            else:
                st.caption("No jobs yet. Start one on the Train page.")
        for s in snaps[:SIDEBAR_JOBS]:
            st.caption(status_line(s))
        if len(snaps) > SIDEBAR_JOBS:  # a comparison's runs pushed the user's own run out of sight
            more = len(snaps) - SIDEBAR_JOBS
            st.page_link(
                "pages/runs.py",
                label=f"{more} older job{'s' if more > 1 else ''}: see the Runs page",
                icon=":material/folder_open:",
            )
        if active and not any(s.active for s in snaps):
            st.rerun()

    jobs()
