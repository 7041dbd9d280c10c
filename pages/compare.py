"""Compare page: up to 6 variants x 1-5 seeds on the same data, split, scaler and seeds."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from lstm_core import compare as cmp
from lstm_core import csvsafe
from lstm_core.config import BOUNDS, CELL_TYPES, SCALERS, TRANSFORMS, Bound, ConfigError, DataConfig, TrainConfig
from ui import compare_view as cv
from ui import presenter, quickstart, ranges, state, throttle, url
from ui.figures import compare as cplots
from ui.text import EPOCHS_HELP, md_code, md_escape, plot_text

st.title("Compare")
ds = state.dataset()
st.caption(
    f"Dataset **{md_escape(ds.name)}** · target {md_code(ds.target)}"
    + (f" · inputs {md_escape(', '.join(ds.inputs))}" if ds.inputs else "")
    + " · change it on the Data page."
)
st.info(
    "All variants use **the same data, split, scaler and seeds**: only the fields in the variants table "
    "differ. The table reports mean ± std across seeds, with the baselines on the same test points.",
    icon=":material/balance:",
)
reg = state.registry()
D, T = DataConfig(), TrainConfig()


def submit(cfg: cmp.CompareConfig) -> None:
    """Validate, submit every (variant, seed) to the job registry, remember the ids, rerun."""
    missing = [c for c in [cfg.data.target, *cfg.data.inputs] if c is not None and c not in ds.frame.columns]
    if missing:
        raise ConfigError(f"Column(s) {missing} are not in the dataset {ds.name!r}; load the matching data first.")
    # how the Data page read the file, in the exported JSON: compare --config reads it the same way
    cfg.data = replace(cfg.data, missing=ds.report.missing_policy)
    cfg.reading = cmp.reading_of(ds.report)
    cfg.validate()
    # a variant whose look_back the data cannot hold: one sentence now, not its seeds failing after the
    # other variants trained (the CLI's check; the table then listed it, and its loss line read "waiting")
    cmp.check_fits(ds.series, cfg)
    n_jobs = len(cfg.variants) * len(cfg.seeds)
    if n_jobs > reg.room(state.owner()):
        raise ConfigError(
            f"This comparison needs {n_jobs} jobs but you may queue {reg.room(state.owner())} more now; "
            "wait for your running jobs to finish or stop some (Jobs, in the sidebar)."
        )
    gid = cv.new_group_id()
    ids = [
        reg.submit(
            ds.series,
            cmp.variant_run_config(cfg, v, s),
            owner=state.owner(),
            label=cmp.job_label(v.label(), s),
            tags=cmp.job_tags(gid, v.label(), s),
        )
        for v in cfg.variants
        for s in cfg.seeds
    ]
    cv.set_ids(cv.CMP_KEY, cv.CMP_PARAM, ids)
    st.session_state["cmp_config"] = cfg.to_json()
    st.rerun()


DEFAULT_ROW = {
    "name": "",
    "cell": "lstm",
    "hidden_size": 32,
    "num_layers": 1,
    "look_back": quickstart.default_look_back(ds),
    "lr": T.lr,
}
DEFAULT_VARIANTS = pd.DataFrame(
    [{**DEFAULT_ROW, "name": "LSTM 32"}, {**DEFAULT_ROW, "name": "GRU 32", "cell": "gru"}], columns=list(DEFAULT_ROW)
)
H_LO, H_HI = BOUNDS["hidden_size"].int_range()
L_LO, L_HI = BOUNDS["num_layers"].int_range()
PATIENCE = Bound(0, BOUNDS["epochs"].hi)

cv.reopen_last()
with st.expander("New comparison", expanded=not st.session_state.get(cv.CMP_KEY) and not url.get("cmp")):
    q1, q2 = st.columns([1, 2], vertical_alignment="bottom")
    # the boxes take what is typed and their buttons say which is out of range (a bounded box refused 2000
    # with a mark shown on hover only, and its button did nothing)
    size = q1.number_input(
        "Hidden size",
        None,
        None,
        32,
        1,
        key="cmp_all_size",
        help=ranges.range_words(BOUNDS["hidden_size"]),
    )
    if q2.button("Every cell at this size", icon=":material/playlist_add:", key="cmp_all_cells"):
        size_out = ranges.first_outside([("Hidden size", size, BOUNDS["hidden_size"])], "Every cell at this size")
        if size_out:
            st.error(size_out)
        else:
            st.session_state["cmp_rows"] = cv.every_cell(int(size), DEFAULT_ROW, list(CELL_TYPES))
            st.session_state["cmp_editor"] = st.session_state.get("cmp_editor", 0) + 1  # a fresh editor on them
    # nothing reruns until Start: typing "32" stays "32"; Enter in a box starts nothing (as on the Train page)
    with st.form("cmp_form", border=False, enter_to_submit=False):
        # the how-to under the table: above it, the table's toolbar (shown from the start on a touch screen) hid
        # its end on a phone
        st.markdown("**Variants**")
        edited = st.data_editor(
            st.session_state.get("cmp_rows", DEFAULT_VARIANTS),
            key=f"cmp_variants_{st.session_state.get('cmp_editor', 0)}",
            num_rows="dynamic",
            width="stretch",
            hide_index=True,
            column_config={
                "name": st.column_config.TextColumn("name", max_chars=40, help="Empty: named from its fields"),
                "cell": st.column_config.SelectboxColumn(
                    "cell", options=list(CELL_TYPES), required=True, default=DEFAULT_ROW["cell"]
                ),
                "hidden_size": st.column_config.NumberColumn(
                    "hidden size", min_value=H_LO, max_value=H_HI, step=1, default=DEFAULT_ROW["hidden_size"]
                ),
                "num_layers": st.column_config.NumberColumn(
                    "layers", min_value=L_LO, max_value=L_HI, step=1, default=DEFAULT_ROW["num_layers"]
                ),
                # "look-back" as the Train page names it (the header read "look_back" beside "hidden size")
                "look_back": st.column_config.NumberColumn(
                    "look-back", min_value=1, max_value=max(1, len(ds.frame) // 2), default=DEFAULT_ROW["look_back"]
                ),
                "lr": st.column_config.NumberColumn(
                    "learning rate",
                    min_value=1e-6,
                    max_value=BOUNDS["lr"].hi,
                    format="%.4f",
                    default=DEFAULT_ROW["lr"],
                ),
            },
        )
        st.caption("Up to 6 rows; add or delete rows at the table's edge; new rows start as an LSTM.")
        c1, c2, c3, c4 = st.columns(4)
        n_seeds = c1.slider(
            "Seeds",
            1,
            cmp.MAX_SEEDS,
            2,
            key="cmp_seeds",
            persist_state=state.KEEP,
            help="Seeds 0..n-1, the same for every variant.",
        )
        epochs = c2.number_input(
            "Max epochs",
            None,
            None,
            100,
            1,
            key="cmp_epochs",
            persist_state=state.KEEP,
            help=EPOCHS_HELP + " " + ranges.range_words(BOUNDS["epochs"]),
        )
        patience = c3.number_input(
            "Patience (0 = off)",
            None,
            None,
            20,
            1,
            key="cmp_patience",
            persist_state=state.KEEP,
            help=ranges.range_words(PATIENCE),
        )
        batch = c4.number_input(
            "Batch size",
            None,
            None,
            T.batch_size,
            1,
            key="cmp_batch",
            persist_state=state.KEEP,
            help=ranges.range_words(BOUNDS["batch_size"]),
        )
        c5, c6, c7, c8 = st.columns(4)
        test_fraction = c5.slider(
            "Test fraction", 0.05, 0.85, D.test_fraction, 0.01, key="cmp_test_fraction", persist_state=state.KEEP
        )
        val_fraction = c6.slider(
            "Validation fraction", 0.0, 0.5, D.val_fraction, 0.01, key="cmp_val_fraction", persist_state=state.KEEP
        )
        scaler = c7.selectbox(
            "Scaler (fitted on train only)",
            SCALERS,
            index=SCALERS.index(D.scaler),
            key="cmp_scaler",
            persist_state=state.KEEP,
        )
        transform = c8.selectbox(
            "Target transform",
            TRANSFORMS,
            index=TRANSFORMS.index(D.transform),
            key="cmp_transform",
            persist_state=state.KEEP,
        )
        start = st.form_submit_button("Start comparison", type="primary", icon=":material/play_arrow:", key="cmp_start")
    if start:
        rows = edited.dropna(how="all").to_dict("records")
        try:
            settings_out = ranges.first_outside(
                [
                    ("Max epochs", epochs, BOUNDS["epochs"]),
                    ("Patience", patience, PATIENCE),
                    ("Batch size", batch, BOUNDS["batch_size"]),
                ],
                "Start comparison",
            )
            if settings_out:
                raise ConfigError(settings_out)
            if not rows:
                raise ConfigError(
                    "The variants table is empty: add a row (a cell, its hidden size, layers, look-back and "
                    "learning rate) for each model to compare."
                )
            variants = [
                cmp.Variant(
                    name=cv.row_name(r.get("name")),
                    cell=str(r["cell"]),
                    hidden_size=int(r["hidden_size"]),
                    num_layers=int(r["num_layers"]),
                    look_back=int(r["look_back"]),
                    lr=float(r["lr"]),
                )
                for r in rows
            ]
            data = DataConfig(
                target=ds.target,
                inputs=list(ds.inputs),
                test_fraction=float(test_fraction),
                val_fraction=float(val_fraction),
                scaler=scaler,
                transform=transform,
            )
            # one network per seed, as the CLI's comparison config (the seeds are the replicates)
            train = TrainConfig(epochs=int(epochs), batch_size=int(batch), patience=int(patience) or None, ensemble=1)
            submit(cmp.CompareConfig(data, train, variants, list(range(int(n_seeds)))))
        except (ConfigError, TypeError, ValueError, KeyError) as exc:
            st.error(
                md_escape(exc)
                if isinstance(exc, ConfigError)
                else f"Fill in every field of every variant ({md_escape(exc)})."
            )
    up = st.file_uploader("…or re-run an exported comparison (JSON)", type=["json"], key="cmp_upload")
    if up is not None:
        try:
            loaded = cmp.CompareConfig.from_json(up.getvalue())
            st.caption(
                f"{len(loaded.variants)} variant(s): {md_escape(', '.join(loaded.names()))} · seeds {loaded.seeds}"
            )
            other = cmp.reading_mismatch(loaded.reading, ds.report)
            if other:
                st.warning(md_escape(other), icon=":material/dataset:")
            if st.button("Run uploaded comparison", key="cmp_run_upload", icon=":material/upload:"):
                submit(loaded)
        except ConfigError as exc:
            st.error(md_escape(exc))

ids = cv.sync_ids(cv.CMP_KEY, cv.CMP_PARAM)
if not ids:
    url.stop()
first = [reg.reopen(i) for i in ids]  # after a server restart: its saved runs load now, first in line
any_active = any(s is not None and cv.pending(s) for s in first)


@throttle.fragment(run_every=0.5 if any_active else None)
def live() -> None:
    snaps = [s for s in (reg.snapshot(i) for i in ids) if s is not None]
    groups = cv.group(snaps)
    st.subheader("Training")
    left, right = st.columns([3, 1])
    left.progress(cv.progress_value(snaps), text=cv.progress_text(snaps, groups))
    loading = sum(s.restoring for s in snaps)
    if loading:
        st.info(f"Loading {loading} run(s) saved before the server restarted; the results appear here in a moment.")
    if any(s.active and state.owns(s) for s in snaps) and right.button(
        "Stop all", icon=":material/stop:", key="cmp_stop"
    ):
        for s in snaps:
            if state.owns(s):  # a shared comparison is read-only
                reg.cancel(s.id)
    band = st.radio("Band across seeds", ["min–max", "mean ± std"], horizontal=True, key="cmp_band")
    bands = cmp.loss_bands(cv.curves(groups))
    # a variant all of whose runs ended without an epoch (stopped while queued) is not "waiting"
    over = {n for n, ss in groups.items() if not any(s.active or s.restoring for s in ss)}
    presenter.chart(
        cplots.loss_band_figure(bands, band="minmax" if band == "min–max" else "std", over=over), key="cmp_loss_chart"
    )
    with st.expander("Jobs", expanded=any(s.active for s in snaps)):
        presenter.table(cv.status_frame(snaps), key="cmp_jobs_table", hide_index=True, width="stretch")
    if any_active and not any(cv.pending(s) for s in snaps):
        st.rerun()  # all done: full rerun draws the results and stops polling


live()
if any_active:
    url.stop()

snaps = [s for s in first if s is not None]
groups = cv.group(snaps)
results = cv.seed_results(groups)
for s in snaps:
    if s.status.failed:
        st.error(md_escape(f"{s.label}: {s.message}"))
if not results:
    st.warning("No run finished, so there is nothing to compare.")
    url.stop()

st.subheader("Results")
if untrained := cv.untrained_note(groups, results):
    st.warning(md_escape(untrained), icon=":material/block:")
# the comparison a link (or this session) opened may be of other data than the one loaded now: the
# caption at the top named weekly.csv above an airline comparison's results, and nothing said so
trained_on = next((s.run.series.name for s in snaps if s.run is not None and s.run.series.name), None)
# the target the networks were trained on, as resolved: an uploaded JSON names none ("target": null,
# the data's default), and "These results are of airline (target None), not of ... airline" showed
# above the results of the very data loaded now
trained_target = next((str(s.run.prep.target) for s in snaps if s.run is not None), None)
if trained_on and (trained_on != ds.name or trained_target != str(ds.target)):
    st.warning(
        f"These results are of **{md_escape(trained_on)}** (target {md_code(trained_target or '—')}), not of "
        f"the data loaded now (**{md_escape(ds.name)}**): start a new comparison above to compare variants on it.",
        icon=":material/dataset:",
    )
table = cmp.summarize(results, list(groups))
st.caption(
    "Mean ± standard deviation across seeds on the test part. ★ marks the lowest test RMSE. "
    "Baselines are fitted on everything before the test part and are the same for every variant; "
    "— where a value does not apply." + (f" {left_out}" if (left_out := cmp.no_season_note(results)) else "")
    # the seasonal naive row left out where it is the naive one (a series without a season)
)
shapes = {n: ss[0].config for n, ss in groups.items()}
readable = cmp.readable_table(table, shapes)
# two tables, errors first, then the variants' shapes (a baseline has none: no row of dashes). In one,
# ten columns ran 100 px past the grid at 1280 px beside the sidebar ("parameters" and "train s" cut),
# and at 20 px 80 px past a 1024x768 projector
errors = ["model", *(c for _, _, c in cmp.METRIC_COLUMNS)]
shapes_of = readable[(table["kind"] == "variant").to_numpy()].drop(columns=errors[1:])
if presenter.active():
    presenter.table(readable[errors], hide_index=True, width="stretch", key="cmp_table")
else:
    # a 1e15-scale series' "26,460,000,000,000 ± 660,000,000,000" on two lines (ran 550 px past)
    errors_shown, config, row_height = cv.two_line_spread(readable[errors])
    presenter.table(
        errors_shown, hide_index=True, width="stretch", key="cmp_table", column_config=config, row_height=row_height
    )
presenter.table(
    shapes_of,
    hide_index=True,
    width="stretch",
    key="cmp_table_shapes",
    column_config={c: st.column_config.TextColumn(width="small") for c in ("cell", "seeds", "parameters", "train s")},
)
# one step ahead, then multi-step; variant names are the user's: text, never links
for verdict in cmp.verdicts(results, escape=md_escape):
    st.markdown(verdict)
# the size table says the look_back asked for ("lb 12"): say where the networks used a shorter one
for note in cmp.look_back_notes(results):
    st.info(md_escape(note), icon=":material/info:")
# the sentence above ranks the variants only: say so where a baseline (★ in the table) beats them all
lead = cmp.baseline_lead(table, escape=md_escape)
if lead:
    st.warning(lead, icon=":material/trending_down:")
cfg_json = (
    st.session_state.get("cmp_config")
    or cmp.config_from_runs(
        {n: [s.config for s in ss] for n, ss in groups.items()}, sorted({int(s.tags["seed"]) for s in snaps})
    ).to_json()
)
# a row that wraps: in half a row each, presenting at 1024 px cut "Download variant configs (…"
d1 = d2 = st.container(horizontal=True)
d1.download_button(
    "Download table (CSV)",
    csvsafe.to_csv(cmp.csv_table(table)),  # as the CLI's results.csv; names such as "-x" are not run as formulas
    "comparison.csv",
    "text/csv",
    icon=":material/download:",
    key="cmp_dl_csv",
)
d2.download_button(
    "Download variant configs (JSON)",
    cfg_json,
    "comparison.json",
    "application/json",
    icon=":material/download:",
    key="cmp_dl_json",
    help="Re-run it here (upload) or with: python -m lstm_core compare --config comparison.json "
    "--data FILE.csv --out DIR",
)

st.subheader("Forecasts")
runs = {n: rs for n, ss in groups.items() if (rs := [s.run for s in ss if s.run is not None])}  # not the untrained
shown = st.multiselect("Variants shown", list(runs), default=list(runs), key="cmp_overlay_pick")
# the value axes name the target (the analyst saw 200…700 and nothing said of what)
values = plot_text(trained_target) if trained_target is not None else None
# on one line "One-step test forecasts per variant (mean over seeds)" ran 20 px past the chart on a phone
presenter.chart(
    presenter.phone_title(cplots.overlay_variants_figure(cmp.forecast_overlay(runs), shown, y_title=values)),
    key="cmp_overlay",
)
presenter.chart(
    presenter.phone_title(
        cplots.overlay_variants_figure(
            cmp.forecast_overlay(runs, "multistep"),
            shown,
            title="Multi-step test forecasts per variant (mean over seeds)",  # named as the one-step chart
            y_title=values,
        )
    ),
    key="cmp_overlay_multistep",
)
st.caption(
    "Each variant's forecast of the whole test part from its start (the forecast origin), averaged over its seeds."
)

st.subheader("Gate saturation")
cache = st.session_state.setdefault("cmp_saturation", {})
parts = []
for name, ss in groups.items():
    s = next((x for x in ss if x.run is not None), None)
    if s is None:
        continue
    if s.id not in cache:
        cache[s.id] = cmp.run_saturation(s.run)
    parts.append(cache[s.id].assign(variant=name))
sat = (
    pd.concat(parts, ignore_index=True)
    if parts
    else pd.DataFrame(columns=["variant", "layer", "gate", "left", "right"])
)
st.caption(
    "Share of each gate's activations over the whole series that are closed (< 0.1) or open (> 0.9), "
    "first seed of each variant; tanh traces (g, n, h) are rescaled to (0, 1) first."
)
presenter.chart(cplots.saturation_figure(sat), key="cmp_saturation_chart")
quiet = cplots.unsaturated_variants(sat)
if quiet:
    st.caption(
        md_escape(", ".join(quiet))
        + (" has" if len(quiet) == 1 else " have")
        + " hardly any bars: under 0.5% of each gate's activations are closed or open (no gate saturates)."
    )

url.flush()  # this run's URL changes in one entry of the history (app.py flushes too; AppTest runs a page alone)
