"""Data page: what the app does and its one primary action; load or generate a series; pick the target."""

import pandas as pd
import streamlit as st

from lstm_core import data as lcdata
from lstm_core import prep as lcprep
from lstm_core.config import MISSING_POLICIES, Bound, DataConfig
from lstm_core.outliers import listed
from ui import first_paint, presenter, quickstart, ranges, state, url
from ui.figures import series as plots
from ui.series_picker import pick_series
from ui.text import md_code, md_escape, plot_text, visible

#: Rows of the preview a class reads on the projector (presenting): a screen of them at projector size.
PRESENT_ROWS = 12
#: The Data page's "Day first" choices and the loader's ``dayfirst`` for each.
DAY_FIRST = {"auto": None, "day first (d/m/y)": True, "month first (m/d/y)": False}
#: A generated series' length (0 = the generator's default) and seed.
GEN_LENGTH, GEN_SEED = Bound(0, 1_000_000), Bound(0, 2**31 - 1)

st.title("Data")
ds = state.dataset()
# a series too short for the default split: the one action is not offered (pressed, it made a job that
# failed at once, "5 points are too few for this split", under a caption promising a forecast)
_dflt = DataConfig()
fits = lcprep.fits_split(len(ds.frame), _dflt.val_fraction, _dflt.test_fraction)
st.markdown(
    "**LSTM Lab** trains small recurrent networks (LSTM, GRU, plain RNN) on a time series, forecasts it "
    "next to simple baselines, and shows the gates at work inside the cell. "
    f"**{md_escape(ds.name)}** is loaded: "
    + (
        "train on it now, or load your own CSV below."
        if fits
        else "it is too short to train on; load a longer CSV below."
    )
)
go_col, note_col = st.columns([1, 2], vertical_alignment="center")
# wrap: a third of the page cut the label to "Train an LSTM on th…" at 1024 px
if go_col.button(
    quickstart.TRAIN_LABEL, type="primary", icon=":material/play_arrow:", key="data_train", wrap=True, disabled=not fits
):
    cfg = quickstart.default_config(ds)
    if quickstart.start(ds, cfg, label=f"{cfg.model.cell} h{cfg.model.hidden_size} on {ds.name}"):
        st.switch_page("pages/train.py")  # the live progress is there, at the top
note_col.caption(
    f"Forecasts {md_code(ds.target)} with the default settings ({quickstart.expected_wait(len(ds.frame))}); "
    "progress shows on the Train page, where every setting can be changed."
    if fits
    else f"{len(ds.frame)} rows are too few to train on: load a longer series below."
)

source = st.segmented_control(
    "Source", ["Upload a CSV", "Generate a series"], default="Upload a CSV", key="data_source", persist_state=state.KEEP
)
if source == "Generate a series":
    name = st.selectbox(
        "Generator",
        list(lcdata.GENERATORS),
        key="data_gen_name",
        persist_state=state.KEEP,
        format_func=lambda g: f"{g} — {lcdata.GENERATOR_DESCRIPTIONS[g]}",
    )
    with st.form("data_gen_form", border=True):
        params = lcdata.GENERATOR_PARAMS[name]
        cols = st.columns(max(len(params), 1) + 2)
        values = {}
        for col, (p, default) in zip(cols, params.items()):
            kind = int if isinstance(default, int) else float
            values[p] = col.number_input(p, value=default, key=f"data_gen_{name}_{p}", step=1 if kind is int else None)
        # no bounds on the boxes: Generate names one out of range (a bounded box refused it with a mark shown
        # on hover only, and Generate did nothing)
        length = cols[-2].number_input(
            "length (0 = default)",
            value=0,
            step=1,
            key=f"data_gen_{name}_length",
            disabled=name == "airline",
            help=ranges.range_words(GEN_LENGTH),
        )
        seed = cols[-1].number_input("seed", value=0, step=1, key="data_gen_seed", help=ranges.range_words(GEN_SEED))
        gen = st.form_submit_button("Generate", type="primary")
        gen_out = ranges.first_outside([("length", length, GEN_LENGTH), ("seed", seed, GEN_SEED)], "Generate")
        if gen and gen_out:
            st.error(gen_out)
        elif gen:
            try:
                loaded = state.generated(name, int(length) or None, int(seed), **values)
                # the generators put the target last and the others are its inputs: sin-cos is "map sin (input) to
                # cos (target)", and its sin was left out, so a run forecast cos from its own past
                target = str(loaded.frame.columns[-1])
                made = state.dataset_from_loaded(loaded, f"generated: {name} (seed {seed})", target)
                made.inputs = [str(c) for c in loaded.frame.columns[:-1]]
                state.set_dataset(made)
                st.rerun()
            except lcdata.DataError as exc:
                st.error(md_escape(exc))
else:
    c1, c2 = st.columns([3, 1])
    policy = c2.selectbox(
        "Missing values",
        MISSING_POLICIES,
        key="data_missing",
        persist_state=state.KEEP,  # the choice the loaded file was read with, after a visit to another page
        help="interpolate: linear; ffill: carry the last value forward; drop: remove rows.",
    )
    with c2.popover("Reading dates", icon=":material/calendar_month:", wrap=True):  # "Reading …" at 1024 px
        order = st.selectbox(
            "Day first",
            list(DAY_FIRST),
            key="data_dayfirst",
            persist_state=state.KEEP,
            help="Dates such as 03/04/2020: auto decides from the data and says so when it cannot tell.",
        )
        date_format = (
            st.text_input(
                "Date format",
                key="data_date_format",
                persist_state=state.KEEP,
                placeholder="auto, e.g. %d.%m.%Y",
                help="A strptime format for the time column, when the dates are read wrongly or not at all.",
            ).strip()
            or None
        )
    reading = {"missing": policy, "dayfirst": DAY_FIRST[order], "date_format": date_format}
    upload = c1.file_uploader(
        "Drop a CSV file here",
        type=["csv", "txt", "tsv"],
        key="data_upload",
        help=f"Up to {lcdata.MAX_BYTES // 2**20} MB; one header row, one row per time step.",
    )
    if upload is not None:
        token = (upload.file_id, upload.name, upload.size, *reading.values())
        if st.session_state.get("data_last_upload") != token:
            st.session_state["data_last_upload"] = token
            st.session_state["data_upload_error"] = None
            st.session_state["data_upload_keys"] = None
            try:
                loaded = lcdata.load_csv(upload.getvalue(), name=upload.name, **reading)
                state.set_dataset(state.dataset_from_loaded(loaded, upload.name))
                st.rerun()
            except lcdata.SeveralSeriesError as exc:  # one series per value of some key columns
                st.session_state["data_upload_keys"] = (exc.keys, exc.example, exc.count)
            except lcdata.DataError as exc:
                st.session_state["data_upload_error"] = f"{upload.name}: {exc}"
        if st.session_state.get("data_upload_keys"):
            keys, example, count = st.session_state["data_upload_keys"]
            st.info(
                md_escape(f"{upload.name} holds {count:,} series, one under another, told apart by ")
                + ", ".join(md_code(k) for k in keys)
                + ": choose one. "
                + f"The previous dataset ({md_escape(ds.name)}) stays loaded until you do."
            )
            chosen = pick_series(keys, example, "data_key")
            if chosen is not None:
                try:
                    loaded = lcdata.load_csv(upload.getvalue(), name=upload.name, **reading, select=chosen)
                    label = f"{upload.name} ({', '.join(f'{k}={v}' for k, v in chosen.items())})"
                    state.set_dataset(state.dataset_from_loaded(loaded, label))
                    st.session_state["data_upload_keys"] = None
                    st.rerun()
                except lcdata.DataError as exc:
                    st.session_state["data_upload_error"] = f"{upload.name}: {exc}"
        if st.session_state.get("data_upload_error"):
            st.error(  # one sentence: the loader's reason, then what is kept
                md_escape(
                    st.session_state["data_upload_error"].rstrip(".")
                    + f"; the previous dataset ({ds.name}) is still loaded."
                )
            )

st.subheader(md_escape(ds.name))
rep = ds.report
freq = (
    lcdata.describe_frequency(rep.frequency)
    if rep.frequency
    else ("irregular" if rep.date_column else "none (numbered steps)")
)
missing = sum(rep.missing.values())
delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(rep.delimiter, rep.delimiter)
# data brought back with a run after a reload: only the frame is kept, not how its file was read (the
# report's delimiter, missing values and gaps are placeholders, which said "comma" for a semicolon file)
restored = state.RESTORED_NOTE in rep.notes
# a step under a day: the run may take a week for season; a day: a year
_longer = lcdata.longer_season(rep.frequency)
_season = (
    lcprep.index_season(ds.frame[ds.target].to_numpy(dtype="float64"), DataConfig(), rep.season, _longer)
    if _longer and pd.api.types.is_numeric_dtype(ds.frame[ds.target])
    else rep.season
)
_why_longer = (
    "a year, whose cycle forecasts it half a year ahead better than last week"
    if _season == lcdata.yearly_season(rep.frequency)
    else "a week, which repeats here better than a day"
)
st.caption(  # a caption, not st.metric: long values ("semicolon", "weekly (Saturdays)") are never cut off
    f"**{rep.n_rows:,}** rows · "
    + ("" if restored else f"delimiter **{md_escape(delimiter)}** · ")
    + f"time column **{md_escape(visible(rep.date_column or '—'))}** · frequency **{md_escape(freq)}**"
    + (f" (season {rep.season})" if rep.season and _season == rep.season else "")
    + (f" (season {_season}: {_why_longer})" if _season != rep.season else "")
    + (f" ({_no_season})" if not rep.season and (_no_season := lcdata.no_season_words(rep.frequency)) else "")
    + (
        " · the data as your run kept it (the file's delimiter, missing values and gaps are not kept)"
        if restored
        else f" · **{missing:,}** missing (policy {rep.missing_policy}) · **{rep.gaps}** timestamps missing from the grid · "
        f"**{rep.duplicate_rows}** duplicate rows"
    )
)
# a series too short for the default split fails at training: say so as soon as it is loaded
if not fits:
    st.warning(
        f"{len(ds.frame)} rows are too few to train on with the default split: a run needs at least "
        f"{lcprep.min_points(_dflt.val_fraction, _dflt.test_fraction)} (4 to train on, then validation and "
        "test points); load a longer series.",
        icon=":material/warning:",
    )
with st.expander("What was detected", expanded=bool(rep.notes)):
    # the time column's line names the season a run takes (168 for hourly demand, not the calendar's 24)
    summary = rep.summary(_season, _why_longer) if _season != rep.season else rep.summary()
    lines = [summary[0], *rep.notes] if restored else summary  # no "Read as utf-8, delimiter ','"
    st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))
    if missing:
        per_column = ", ".join(f"{c}: {n:,}" for c, n in rep.missing.items() if n)  # not a dict's repr
        st.caption(f"Missing values per column: {md_escape(per_column)}; policy applied: **{rep.missing_policy}**.")

cols = list(ds.frame.columns)
c1, c2 = st.columns(2)
tkey, ikey = f"data_target_{ds.version}", f"data_inputs_{ds.version}"
target = c1.selectbox("Target column (what to predict)", cols, index=cols.index(ds.target), key=tkey)
inputs = c2.multiselect(
    "Input columns (extra features; the target's past is always used)",
    [x for x in cols if x != target],
    default=[x for x in ds.inputs if x != target],
    key=ikey,
)
if target != ds.target or inputs != ds.inputs:
    ds.target, ds.inputs = target, inputs
    state.keep_dataset(ds)  # a reload keeps the columns chosen, as it keeps the data
    st.rerun()

# The chart and the table come once the first screen (the primary action) is on view: see ui/first_paint.py.
if not first_paint.painted("data_page"):
    st.caption(":material/hourglass_top: Drawing the chart...")
else:
    # the lone spikes a run with the default settings would go without (lstm_core.outliers)
    target_values = ds.frame[ds.target].to_numpy(dtype="float64")
    spikes = lcprep.series_spikes(target_values, DataConfig(), rep.season, _longer)
    filled = None if ds.filled is None else ds.filled[ds.target].to_numpy()
    if len(spikes):
        k = len(spikes)
        st.info(
            f"{k} lone spike{'s' if k > 1 else ''} in **{md_escape(visible(ds.target))}** "
            f"({md_escape(listed(spikes, ds.frame.index, filled))}): with the default split, a run replaces "
            f"{'them' if k > 1 else 'it'} by the neighbours' level for its networks only (those before the test part "
            "for training, any in it for the forecast ahead); metrics and downloads keep the data as given. "
            f"To keep {'them' if k > 1 else 'it'} for the networks too: Train → Advanced → Lone spikes or drops.",
            icon=":material/auto_fix_high:",
        )
    presenter.chart(
        plots.series_figure(
            ds.frame,
            [ds.target],
            title=f"{plot_text(ds.target)} — the target",
            spikes=spikes,
            filled=filled,
        ),
        key="data_chart",
    )
    others = [c for c in cols if c != ds.target]
    if others:
        with st.expander(f"The other {len(others)} column(s)"):
            # titled by its columns: titled by the file, a chart of one column named nothing on it
            presenter.chart(
                plots.series_figure(
                    ds.frame,
                    others,
                    title=plot_text(", ".join(others) if len(others) <= 3 else f"{len(others)} other columns"),
                ),
                key="data_chart_others",
            )
    # presenting: the first rows at projector size (the grid's text stays 14 px whatever the page's
    # CSS), with the time as the first column; otherwise 200 rows in a scrolling grid
    shown_rows = PRESENT_ROWS if presenter.active() else 200
    st.markdown(f"**Preview** (first {shown_rows} rows)")
    preview = ds.frame.head(shown_rows)
    if isinstance(preview.index, pd.DatetimeIndex) and (preview.index == preview.index.normalize()).all():
        # as precise as the dates are: years as 1960 (not 1960-01-01), months as 2019-01
        firsts = preview.index.day == 1
        as_written = "%Y" if (firsts & (preview.index.month == 1)).all() else "%Y-%m" if firsts.all() else "%Y-%m-%d"
        preview = preview.set_axis(preview.index.strftime(as_written).rename(preview.index.name))
    if presenter.active():
        presenter.table(preview.rename_axis(preview.index.name or "step").reset_index(), key="data_preview")
    else:
        st.dataframe(preview, key="data_preview", width="stretch", height=260)
    st.caption(
        f"Index: {md_escape(ds.frame.index.name or 'step')} ({'dates' if isinstance(ds.frame.index, pd.DatetimeIndex) else 'steps'})"
        f" · {len(ds.frame):,} rows × {len(cols)} columns."
    )

url.flush()  # this run's URL changes in one entry of the history (app.py flushes too; AppTest runs a page alone)
