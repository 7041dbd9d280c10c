"""Forecast page: overlays, multi-step band, residuals, metrics against baselines, future, downloads."""

import re

import streamlit as st

from lstm_core import csvsafe, tables
from lstm_core import forecast as lcforecast
from lstm_core import prep as lcprep
from lstm_core import verdict as lcverdict
from lstm_core.combine import STAND_IN
from lstm_core.config import ConfigError
from lstm_core.data.frequency import with_utc_offset
from lstm_core.metrics import seconds_text
from lstm_core.runs import predictions_table, steps_shown, unscored, zip_restore_refusal
from lstm_core.train import ended_words
from ui import metric_numbers, presenter, runs_view, state, url
from ui.figures import series as plots
from ui.figures.style import cell_name
from ui.text import join_them, md_code, md_escape, more_networks, plot_text, upper_first

st.title("Forecast")
current = state.sync_job_id()
choices = runs_view.available_runs()

with st.expander("Restore a downloaded run (.zip)", expanded=not choices):
    runs_view.restore_upload("forecast_zip", "forecast_pick")  # restored off the page script

runs_view.restore_notice()
runs_view.require_runs(
    choices, "No trained run yet: start one on the Train page (the defaults work), or restore a run zip above."
)
pick = runs_view.pick(choices, "forecast_pick", lambda k: choices[k][0], preferred=current)
run = choices[pick][1]
m, pred = run.metrics, run.predictions
assert m is not None and pred is not None  # every run in the list was evaluated
info = m.info

judged = lcverdict.judge(m)
{"beats": st.success, "mixed": st.warning, "loses": st.error}.get(judged.level, st.info)(judged.sentence)
if ranked_otherwise := lcverdict.mae_note(m):  # the verdict ranks by RMSE; where MAE ranks otherwise, say so
    st.caption(ranked_otherwise)
if info.status == "cancelled":
    st.warning(
        f"This run was stopped early at epoch {info.epochs_run}; it uses the best weights so far "
        f"(epoch {info.best_epoch})."
    )
one_step_only = [r for r in info.representations if r.get("one_step_only") and not r.get("standby")]
# those over half the window (a short series), and those of a full window on a representation a
# ranking backtest left out (pipeline.RANKED_ONE_STEP)
one_step_nets = [r for r in one_step_only if r.get("look_back") != run.config.data.look_back]
left_out = [r for r in one_step_only if r not in one_step_nets]
standby = [r for r in info.representations if r.get("standby")]
aside = [r for r in info.representations if r.get("one_step_only")]  # with a standby network (see guards)
members = info.ensemble - sum(int(r["networks"]) for r in aside)  # those behind the forecast ahead
paths = [r for r in info.representations if not r.get("one_step_only")]
names = list(dict.fromkeys(r["name"] for r in paths))
steps = sorted({int(r["horizon"]) for r in paths if isinstance(r.get("horizon"), int)})
linear = sum(1 for mb in run.members for net in getattr(mb.model, "members", [mb.model]) if net.cfg.linear_inputs)
# one line in view; how the forecast was made (representations, weights, guards) one click away:
# the whole of it was a paragraph of nine lines between the verdict and the first chart
st.caption(
    f"{cell_name(info.cell)} · {info.parameters:,} parameters"
    # the Train page counts every network trained (one-step ones too): "11 networks trained" beside "10 networks"
    + (
        f" · {members} networks" + (f" ({info.ensemble} trained)" if info.ensemble > members else "")
        if members > 1
        else ""
    )
    + f" · {info.epochs_run} epoch{'s' if info.epochs_run != 1 else ''} · {seconds_text(info.train_seconds)} on {info.device}"
    + f" · season {info.season or '—'}"
)


n_one_step = sum(int(r["networks"]) for r in one_step_nets)
n_left_out = sum(int(r["networks"]) for r in left_out)
with st.expander("How this forecast was made", icon=":material/info:"):
    st.caption(
        f"{cell_name(info.cell)} · {info.parameters:,} parameters"
        + (f" · {members} networks averaged" if members > 1 else "")
        + (f" over {len(names)} representations ({'; '.join(names)})" if len(names) > 1 else "")
        + (
            f", each with networks of {' and of '.join(map(str, steps[::-1]))} outputs per window"
            if len(steps) > 1
            else ""
        )
        + (
            f"; one step ahead, {more_networks(n_one_step)} of 1 output over the "
            f"last {one_step_nets[0].get('look_back', '?')} points {join_them(n_one_step)} (this short series has "
            "few windows)"
            if one_step_nets
            else ""
        )
        + (
            (", and" if one_step_nets else "; one step ahead,")
            + f" {more_networks(n_left_out)} of 1 output, on the "
            + f"representation{'s' if len(left_out) > 1 else ''} the backtest left out "
            + f"({'; '.join(r['name'] for r in left_out)}), {join_them(n_left_out)}"
            if left_out
            else ""
        )
        + (
            (", and" if one_step_nets or left_out else "; one step ahead,")
            + f" a standby network on the {standby[0]['name']} joins them, weighed like the others"
            if standby and run.one_step in STAND_IN
            else ""
        )
        + (
            " · one step ahead, each representation is weighed by its errors so far: on the validation part, "
            "then over the test part at the points before each one"
            if run.one_step == "online" and len(run.members) > 1
            else ""
        )
        + (
            " · a removed seasonal profile is re-estimated at each forecast origin from the values before it"
            if run.profiles == "origin" and any(m.prep.transform.deseason for m in run.members)
            else ""
        )
        + (
            (
                " · every network has a linear path from its window"
                if linear == info.ensemble
                else f" · {linear} of the {info.ensemble} networks have a linear path from their window"
            )
            + " to the one-step output (LSTNet's autoregressive part)"
            if linear
            else ""
        )
        + f" · {info.epochs_run} epoch{'s' if info.epochs_run != 1 else ''} ({ended_words(info.status)}) · "
        f"{seconds_text(info.train_seconds)} on {info.device} · "
        f"best representation: {info.transform_reason or info.transform} · season {info.season or '—'}"
        + (" (detected from the data)" if info.season_source == "detected" else "")
        + (
            " (a week: the value a week before forecast the training part better than the value a day before)"
            if info.season_source == "weekly"
            else " (a year: the value a year before forecast the training part half a year ahead better than the "
            "last week repeated)"
            if info.season_source == "yearly"
            else ""
        )
    )
    if any("steps damped" in n for n in names + [info.transform or ""]):
        st.caption(
            "*steps damped φ*: the network's k-th forecast step (a difference) is multiplied by φ^(k−1), so the "
            "forecast levels off towards the naive or seasonal naive one far ahead, like a damped trend; the "
            "backtest kept it because it forecast the data before the test part over 3% better than undamped."
        )
    anchored_paths = any("window last value removed" in n for n in names)
    anchored_steps = sum(int(r["networks"]) for r in one_step_nets if "window last value removed" in r["name"])
    if anchored_paths or anchored_steps:
        st.caption(
            "*window last value removed*: each input window's last value is subtracted from the window and from "
            "what the network predicts (as NLinear does), so a network that outputs zeros forecasts the last value, "
            "the naive forecast, and it learns what departs from it"
            + (
                "; the backtest kept it because the representations' mean forecast of the data before the test part "
                "was over 3% better with it"
                if anchored_paths
                else ""
            )
            + (
                f"; on this short series {anchored_steps} of the one-step networks above use it (they take part in "
                "the one-step predictions only)"
                if anchored_steps
                else ""
            )
            + "."
        )
guards = m.guards
if guards.runaway:
    st.warning(guards.runaway)
if guards.outliers:
    st.info(guards.outliers, icon=":material/auto_fix_high:")
if guards.look_back:
    st.caption(guards.look_back)
if guards.trimmed:
    st.caption(guards.trimmed)
if guards.one_step_range:
    st.caption(guards.one_step_range)

# the lone spikes the networks went without: pinned to the charts' edges, the axes fitted to the rest
spikes = lcprep.future_spikes(run.prep)
# the values the loader filled in, which the test scores leave out, are marked, not drawn as observed
unseen = unscored(run)
unseen = unseen if unseen.any() and len(unseen) == len(pred) else None
# the value axes name the target: what the values are, for a class reading the projector too
values = plot_text(run.prep.target)
# a long series: its charts show a part in full by default (thinned to 2,000 points, 10,000 hourly ones drew as a
# solid band), the whole series on request
last = first_steps = None
if len(pred) > plots.MAX_POINTS:
    DETAIL, WHOLE = f"the last {plots.DETAIL_POINTS:,} points in full", f"all {len(pred):,} points, thinned"
    shown = st.radio(
        "Charts show",
        [DETAIL, WHOLE],
        horizontal=True,
        key="forecast_detail",
        persist_state=state.KEEP,
        help="A chart thins a line of more than 2,000 points to the lowest and highest value of each stretch, "
        "which draws a long series' cycles as a solid band.",
    )
    last, first_steps = plots.detail_spans(pred, whole=shown == WHOLE)
# the clock the times are on, where the file wrote them with a UTC offset (hover: "22:00 (UTC)")
zone = run.series.utc_offset
presenter.chart(
    plots.zone_hover(plots.overlay_figure(pred, spikes=spikes, unscored=unseen, y_title=values, last=last), zone),
    key="forecast_overlay",
)
st.subheader("Metrics on the test part (original units)")
table = tables.metrics_frame(m)
# a metric no model has on these points is left out with a reason, not shown as a column of "None"
# (an intermittent count series: a 0 in the test part leaves MAPE undefined for every row)
UNDEFINED = {
    "MAPE %": "the test part holds values of 0, where a percentage error is undefined",
    # or rounding: a clean sine repeats its season to 1e-15 (metrics.ROUNDING)
    "MASE": f"its scale, {tables.MASE_SCALE}, is 0 or rounding (under a millionth of the data's range)",
}
undefined = [c for c in UNDEFINED if c in table.columns and table[c].isna().all()]
SMAPE_AT_ZERO = (
    "sMAPE scores each test value of 0 the forecast misses as a 200% error, however small the miss: read MAE or MASE."
)
table = table.drop(columns=undefined)
# 10,090,000,000,000 as the verdict writes it, not "%.4g"'s 10090000000000 (see ui/metric_numbers.py)
table, formats = metric_numbers.metric_formats(table, tables.METRIC_COLUMNS.values())
presenter.table(
    table,
    key="forecast_metrics",
    width="stretch",
    hide_index=True,
    column_config={
        c: st.column_config.NumberColumn(format=f, help=tables.METRIC_HELP.get(c)) for c, f in formats.items()
    },
)
cov = m.coverage


def _share(v: float | None) -> str:
    return f"{v:.0%}" if v is not None else "—"


st.caption(
    f"Same {lcverdict.scored_points(m):,} test points for every model. "
    + (f"{left_out} " if (left_out := lcverdict.filled_note(m)) else "")
    + (f"{tables.NO_SEASON} " if tables.seasonal_naive_is_naive(m) else "")
    + "".join(f"{c.removesuffix(' %')} is left out: {UNDEFINED[c]}. " for c in undefined)
    # beside those 0s sMAPE stays defined, but each 0 missed scores 200% whatever the
    # miss (daily counts read sMAPE 91-112%, small monthly ones 105-140%)
    + (f"{SMAPE_AT_ZERO} " if "MAPE %" in undefined and "sMAPE %" in table.columns else "")
    + f"Interval coverage at the {cov.level:.0%} level: "
    # how the band was made is said once, under the chart ahead (it stood under both)
    f"one-step {_share(cov.one_step)}, multi-step {_share(cov.multistep)}."
)
narrow = lcverdict.coverage_note(m)
if narrow:
    st.warning(narrow)

# side by side; one under the other when presenting: at projector size a half-width chart's title
# ran past its edge at 1280x720 ("Multi-step forecast over the test sp")
left, right = (st.container(), st.container()) if presenter.active() else st.columns(2)
presenter.chart(
    presenter.half_title(
        plots.zone_hover(
            plots.multistep_figure(pred, spikes=spikes, unscored=unseen, y_title=values, steps=first_steps), zone
        )
    ),
    key="forecast_multistep",
    container=left,
)
presenter.chart(
    presenter.half_title(
        plots.zone_hover(
            plots.residual_figure(pred, spikes=spikes, y_title=f"{plots.RESIDUAL_AXIS} ({values})", last=last), zone
        )
    ),
    key="forecast_residuals",
    container=right,
)

st.subheader("Forecast past the end of the data")
fut = None
steps = None
rival = None  # (label, frame): the baseline that forecast the test span better, drawn beside the model's
if run.prep.inputs:  # what it cannot do, said as a choice, not as an error under a slider that changes nothing
    st.info(
        f"This run also reads {', '.join(md_code(c) for c in run.prep.inputs)}, whose values past the end of the "
        "data are unknown, so it forecasts inside the data only (the charts above); to forecast further, train "
        f"on {md_code(run.prep.target)} alone (Data page: leave the input columns empty).",
        icon=":material/info:",
    )
else:
    # two seasons ahead by default, no further than the test span the verdict covers, within the
    # slider's range (a run trained with --season 150)
    shown = steps_shown(info.season, info.n_points - info.test_start)
    # kept after a visit to another page; left at a run's default, it follows the next run's
    state.follow_default("forecast_steps", min(shown, 240))
    steps = st.slider("Steps ahead", 1, 240, min(shown, 240), key="forecast_steps", persist_state=state.KEEP)
    try:
        fut = run.future(int(steps))
        if judged.multistep_winner:
            rival = (
                # "Holt-Winters", not capitalize()'s "Holt-winters"
                # and Holt's linear trend where it fitted no season, as the table and the verdict name it
                upper_first(lcverdict.label(judged.multistep_winner, m)),
                run.baseline_future(judged.multistep_winner, int(steps)),
            )
        presenter.chart(
            plots.zone_hover(
                plots.future_figure(
                    pred,
                    fut,
                    title=f"{steps} steps ahead with the {cov.level:.0%} interval",
                    rival=rival,
                    spikes=spikes,
                    y_title=values,
                ),
                zone,
            ),
            key="forecast_future",
        )
        note = cov.note[:1].upper() + cov.note[1:]
        st.caption(
            f"Band: conformal {cov.level:.0%} interval; multi-step coverage on the test part was "
            f"{_share(cov.multistep)}. {note}."
            + (
                (
                    " Forecasts are held at 0 or above because the series never goes below 0."
                    if bool((pred["actual"].dropna() >= 0).all())
                    # decided on the data before the test part (as the scaler is): where the test part goes below
                    # 0, "the series never goes below 0" stood under a forecast held at 0 over values down to -0.48
                    else " The test part's forecasts are held at 0 or above because the series never went below "
                    "0 before it; the test part does, so the forecast ahead is not held."
                )
                # said where the hold shows: a band that reaches 0 (a series between 50 and 70 said it too)
                if guards.non_negative and bool((fut["lower"] <= 0).any() or (pred["lower"] <= 0).any())
                else ""
            )
            + (f" Dashed: {rival[0]}, which forecast the test span better than the model." if rival else "")
            + (f" {untested}" if (untested := lcverdict.untested_note(m, int(steps))) else "")
        )
        future_runaway = lcforecast.runaway_note(run.prep.y, fut["forecast"].to_numpy(), "The forecast ahead")
        if future_runaway:
            st.warning(future_runaway)
    except ConfigError as exc:
        st.error(md_escape(exc))

# the data's times were written with a UTC offset: the forecast's are written with it too, as the
# loader's note says ("times past the data are in that offset too") and `forecast --data` does
offset = run.series.utc_offset
# a row that wraps: three equal columns cut "Download predictions (.csv)" at 1024 px
downloads = st.container(horizontal=True)
downloads.download_button(
    "Download forecast (.csv)",
    # safe to open in a spreadsheet
    csvsafe.to_csv(with_utc_offset(fut, offset)).encode() if fut is not None else b"",
    "forecast.csv",
    "text/csv",
    key="forecast_dl_future",
    on_click="ignore",
    width="stretch",
    disabled=fut is None,
    help="time, forecast, lower, upper: the future forecast shown above"
    + (f" (times with the data's UTC offset, {offset})" if offset else "")
    if fut is not None
    else "This run cannot forecast past the end of the data (see above).",
)
if rival is not None and fut is not None:
    # the verdict says to prefer it: its numbers, not only its line on the chart
    downloads.download_button(
        f"Download {rival[0]} forecast (.csv)",
        csvsafe.to_csv(with_utc_offset(rival[1], offset)).encode(),
        # named as its button names it: "holts_linear_trend_forecast.csv" where Holt-Winters fitted no season
        (
            judged.multistep_winner
            if judged.multistep_winner != "holt_winters"
            else re.sub(r"[^a-z0-9]+", "_", rival[0].lower().replace("'", "")).strip("_")
        )
        + "_forecast.csv",
        "text/csv",
        key="forecast_dl_rival",
        on_click="ignore",
        width="stretch",
        help=f"time, forecast, lower, upper: {rival[0]}'s forecast drawn dashed above, the same {steps} steps "
        f"ahead, with its {cov.level:.0%} band from its own errors out of sample"
        + ("" if rival[1]["lower"].notna().all() else " (empty: too few test points to calibrate one)"),
    )
downloads.download_button(
    "Download predictions (.csv)",
    # the values the loader filled in are left empty, as the test scores leave them out
    # built when clicked: a run on 100,000 points took 0.6 s on every rerun of the page for 9.5 MB
    lambda: csvsafe.to_csv(with_utc_offset(predictions_table(run), offset)).encode(),
    "predictions.csv",
    "text/csv",
    key="forecast_dl_csv",
    on_click="ignore",
    width="stretch",
    # the other two downloads said what they hold; lower/upper beside one_step_lower/upper read as one band twice
    help="Every row of the data: time, actual (empty where the loader filled a missing value in), part (train, "
    "val, test), one_step (the one-step prediction), "
    f"multistep (the forecast from the test part's start) with lower and upper, its {cov.level:.0%} band, and "
    "one_step_lower and one_step_upper, the one-step band.",
)
downloads.download_button(
    "Download run (.zip)",
    # its name, data and pin come back with it when restored (runs_view.about_run)
    lambda: runs_view.run_zip(run, int(steps) if steps else None, runs_view.about_run(pick)),
    "lstm-lab-run.zip",
    "application/zip",
    key="forecast_dl_zip",
    on_click="ignore",
    width="stretch",
    # a run too big to restore by upload says so before it is downloaded, not only when it comes back
    help=zip_restore_refusal(run) or "The run and its data, to restore here or with the command line.",
)

url.flush()  # this run's URL changes in one entry of the history (app.py flushes too; AppTest runs a page alone)
