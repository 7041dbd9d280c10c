"""Train page: a short form (the usual fields, the rest under Advanced) with Start at the top, then the live job."""

import streamlit as st

from lstm_core.cells import CELL_DESCRIPTIONS
from lstm_core.config import BOUNDS, CELL_TYPES, DEVICES, OUTLIER_POLICIES, SCALERS, TRANSFORMS, Bound, RunConfig
from lstm_core.prep import fits_split, min_points
from lstm_core.train import available_devices
from ui import jobs_view, quickstart, ranges, state, url
from ui.text import EPOCHS_HELP, md_code, md_escape

st.title("Train")
ds = state.dataset()
D, M, T = RunConfig().data, RunConfig().model, RunConfig().train
# "The defaults work" only where they do: a series too short for the default split fails at Start
fits = fits_split(len(ds.frame), D.val_fraction, D.test_fraction)
st.caption(
    f"Dataset **{md_escape(ds.name)}** · target {md_code(ds.target)}"
    + (f" · inputs {md_escape(', '.join(ds.inputs))}" if ds.inputs else "")
    + " · change it on the Data page."
    + (
        " The defaults work: press Start."
        if fits
        else f" Its {len(ds.frame)} rows are too few for the default split (at least "
        f"{min_points(D.val_fraction, D.test_fraction)}): load a longer series there."
    )
)
found = available_devices()


def device_name(d: str) -> str:
    # "auto" alone: "auto → cpu (CPU (2 cores))" was cut to "auto → cp" in a quarter of the row
    # (1024 px, and 1280 px presenting); what auto picks is in the help and the sidebar
    return d if d == "auto" or d in found else f"{d} (not available here)"


KEEP = state.KEEP
# A look-back left at the default follows the dataset's own (12; a day of hourly demand, 24; a
# third of a short series' training part); one the user changed is kept...
_look_default = quickstart.default_look_back(ds)
state.follow_default("train_look_back", _look_default)
# ...and a kept value that does not fit a shorter dataset loaded since is clipped into the new bounds,
# once, when that dataset comes: a look-back typed past half the data goes to the run, which shortens it
# and says so (a box bounded there refused 500 with a mark shown on hover only, and Start did nothing)
if st.session_state.get("train_bounds_of") != (ds.version, ds.name, len(ds.frame)):
    state.clamp_setting("train_look_back", 1, max(1, len(ds.frame) // 2))
    state.clamp_setting("train_horizon", 0, max(1, len(ds.frame) // 4))
    st.session_state["train_bounds_of"] = (ds.version, ds.name, len(ds.frame))

# The number boxes take what is typed; Start checks them against these bounds and names the box out of
# range (a box bounded itself refused 2000 with a mark shown on hover only, and Start did nothing). Hidden
# size and Layers have no help icon: at 1024 px it broke their labels onto two lines.
HORIZON = Bound(0, max(1, len(ds.frame) // 4))
PATIENCE = Bound(0, BOUNDS["epochs"].hi)
# Enter in a box does not start a run: a hidden size typed and entered started a training of 300 epochs
# (and each Enter another)
with st.form("train_form", enter_to_submit=False):
    c_cell, c_hidden, c_layers, c_look, c_epochs = st.columns([1.6, 1, 1, 1, 1], vertical_alignment="bottom")
    cell = c_cell.selectbox(
        "Cell",
        CELL_TYPES,
        index=CELL_TYPES.index(M.cell),
        key="train_cell",
        persist_state=KEEP,
        help="\n\n".join(f"**{c}**: {CELL_DESCRIPTIONS[c]}" for c in CELL_TYPES),
        format_func=lambda c: f"{c} — {CELL_DESCRIPTIONS[c].split(':')[0]}",
    )
    hidden = c_hidden.number_input(
        "Hidden size",
        None,
        None,
        M.hidden_size,
        1,
        key="train_hidden",
        persist_state=KEEP,
    )
    layers = c_layers.number_input(
        "Layers",
        None,
        None,
        M.num_layers,
        1,
        key="train_layers",
        persist_state=KEEP,
    )
    look_back = c_look.number_input(
        "Look-back",
        None,
        None,  # no upper bound here: the run shortens one too long for the data, and says so
        _look_default,  # fitted to a short series (a 20-row upload), a day of hourly demand
        1,
        key="train_look_back",
        persist_state=KEEP,
        help=(
            "Window length: how many past steps the network reads for each prediction. With the representation "
            "on auto, a look-back over half the training part is shortened to a third of it (the run says so); "
            "one as long as the training part or longer is refused, with the longest that fits."
        ),
    )
    # "Max epochs": "Epochs (upper bound)" took two lines at presenter size and sat lower than its row
    epochs = c_epochs.number_input(
        "Max epochs",
        None,
        None,
        T.epochs,
        1,
        key="train_epochs",
        persist_state=KEEP,
        help=EPOCHS_HELP + " " + ranges.range_words(BOUNDS["epochs"]),
    )
    with st.expander("Advanced: split, optimiser, scaler, ensemble, device, spikes, linear path"):
        a1, a2, a3, a4 = st.columns(4)
        horizon = a1.number_input(
            "Horizon (steps)",  # a short label and placeholder: "auto (one season)" was cut to "auto (one s"
            None,
            None,
            D.horizon,
            1,
            key="train_horizon",
            persist_state=KEEP,
            placeholder="auto",
            help="Steps each network predicts from a window at once. Empty = auto: one season of steps at once (8 without a season); on a series too short for "
            "the backtest to rank networks, also a one-step network per representation, combined. "
            "0 maps inputs to the target (needs inputs). " + ranges.range_words(HORIZON),
        )
        test_fraction = a2.slider(
            "Test fraction", 0.05, 0.85, D.test_fraction, 0.01, key="train_test_fraction", persist_state=KEEP
        )
        val_fraction = a3.slider(
            "Validation fraction", 0.0, 0.5, D.val_fraction, 0.01, key="train_val_fraction", persist_state=KEEP
        )
        dropout = a4.slider(
            "Dropout (between layers)",
            0.0,
            0.9,
            M.dropout,
            0.05,
            key="train_dropout",
            persist_state=KEEP,
            help="Applied to what one layer passes to the next: with 1 layer it changes nothing.",
        )
        b1, b2, b3, b4 = st.columns(4)
        batch = b1.number_input(
            "Batch size",
            None,
            None,
            T.batch_size,
            1,
            key="train_batch",
            persist_state=KEEP,
            help=ranges.range_words(BOUNDS["batch_size"]),
        )
        lr = b2.number_input(
            "Learning rate",
            None,
            None,
            T.lr,
            format="%.4f",
            step=0.001,
            key="train_lr",
            persist_state=KEEP,
            help=ranges.range_words(BOUNDS["lr"]),
        )
        patience = b3.number_input(
            "Early-stopping patience (0 = off)",
            None,
            None,
            T.patience or 0,
            1,
            key="train_patience",
            persist_state=KEEP,
            help="Epochs without a better validation loss before training stops. " + ranges.range_words(PATIENCE),
        )
        seed = b4.number_input(
            "Seed",
            None,
            None,
            T.seed,
            1,
            key="train_seed",
            persist_state=KEEP,
            help=ranges.range_words(BOUNDS["seed"]),
        )
        e1, e2, e3, e4 = st.columns(4)
        scaler = e1.selectbox(
            "Scaler (fitted on train only)",
            SCALERS,
            index=SCALERS.index(D.scaler),
            key="train_scaler",
            persist_state=KEEP,
        )
        transform = e2.selectbox(
            "Target transform",
            TRANSFORMS,
            index=TRANSFORMS.index(D.transform),
            key="train_transform",
            persist_state=KEEP,
            help="auto: logs, a removed seasonal profile, differences and window normalisation, "
            "chosen by a short backtest on the data before the test part.",
        )
        ensemble = e3.number_input(
            "Networks (ensemble)",
            None,
            None,
            T.ensemble,
            1,
            key="train_ensemble",
            persist_state=KEEP,
            placeholder="auto",
            # auto's 20 stood beside "Between 1 and 10" for a number typed, read as a contradiction
            help="Networks whose forecasts are averaged, spread over the best representations; more are steadier "
            "and slower, and the gates shown are network 1's. Empty = auto: 10, or 3 on a series over 1,000 "
            "points, or on a short series two per representation, up to 20; a few more may make the one-step "
            "predictions only (the Forecast page counts them). A number typed here: "
            + ranges.range_words(BOUNDS["ensemble"]).lower(),
        )
        device = e4.selectbox(
            "Device",
            DEVICES,
            key="train_device",
            persist_state=KEEP,
            format_func=device_name,
            help=f"auto: the best device present, here {found[0]} ({state.engine_device()}).",
        )
        o1, _ = st.columns(2)
        outliers = o1.selectbox(
            "Lone spikes or drops",
            OUTLIER_POLICIES,
            index=OUTLIER_POLICIES.index(D.outliers),
            key="train_outliers",
            persist_state=KEEP,
            format_func=lambda p: {"replace": "replace for training", "keep": "keep as given"}[p],
            help="A point that jumps away from both neighbours by over 10 robust standard deviations of the "
            "series' steps (a typo, a missing value stored as 0) is replaced by its neighbours' level for the "
            "networks (a drop as far below them too); one in the test part is replaced likewise in the history the "
            "forecast ahead starts from. Metrics and charts keep the data as given, and the run says which points.",
        )
        # a row of its own: beside the spikes' box its label was cut ("Linear path to th…" at 1024 px)
        linear_path = st.checkbox(
            "Linear path to the one-step output",
            M.linear_path,
            key="train_linear_path",
            persist_state=KEEP,
            help="A linear map of the window's last values adds to the network's one-step output, beside "
            "its head (LSTNet's autoregressive part), on networks with several outputs or made for the "
            "one-step predictions only; not on one-output networks run recursively for the forecast ahead. "
            "Off: the recurrent stack and its head alone.",
        )
    start = st.form_submit_button("Start training", type="primary", icon=":material/play_arrow:")

out_of_range = (
    ranges.first_outside(
        [
            ("Hidden size", hidden, BOUNDS["hidden_size"]),
            ("Layers", layers, BOUNDS["num_layers"]),
            ("Look-back", look_back, BOUNDS["look_back"]),
            ("Max epochs", epochs, BOUNDS["epochs"]),
            ("Horizon (under Advanced)", horizon, HORIZON),
            ("Batch size (under Advanced)", batch, BOUNDS["batch_size"]),
            ("Learning rate (under Advanced)", lr, BOUNDS["lr"]),
            ("Early-stopping patience (under Advanced)", patience, PATIENCE),
            ("Seed (under Advanced)", seed, BOUNDS["seed"]),
            ("Networks (under Advanced)", ensemble, BOUNDS["ensemble"]),
        ],
        "Start training",
    )
    if start
    else None
)
if out_of_range:
    st.error(out_of_range)
elif start:
    cfg = RunConfig().replace(
        target=ds.target,
        inputs=list(ds.inputs),
        look_back=int(look_back),
        test_fraction=float(test_fraction),
        horizon=None if horizon is None else int(horizon),
        val_fraction=float(val_fraction),
        scaler=scaler,
        transform=transform,
        outliers=outliers,
        cell=cell,
        hidden_size=int(hidden),
        num_layers=int(layers),
        dropout=float(dropout),
        linear_path=bool(linear_path),
        epochs=int(epochs),
        batch_size=int(batch),
        lr=float(lr),
        seed=int(seed),
        patience=int(patience) or None,
        device=device,
        ensemble=None if ensemble is None else int(ensemble),
    )
    if quickstart.start(ds, cfg, label=f"{cell} h{int(hidden)} on {ds.name}") and not st.session_state.get(
        "train_twin"
    ):
        st.rerun()  # redraw the sidebar and start polling

# The live panel sits right under the button, where the user is looking after Start.
if st.session_state.get(state.JOB) is None and not url.get("job"):
    # opened by its address (a reload of /train, a new tab) while this browser's run trains: that run, with its
    # progress and Stop (the page showed neither, and the sidebar listed it "running")
    training = next((s for s in state.registry().jobs_for(state.owner()) if s.active and s.kind == "train"), None)
    if training is not None:
        state.set_job(training.id)
job_id = state.sync_job_id()
if st.session_state.pop("train_twin", None):
    st.info("This exact run is already queued or training (below); it was not started twice.")
if job_id:
    with st.container(key="train_live"):
        jobs_view.live_job(job_id, key="train_job", done_link=("pages/forecast.py", "See the forecast →"))
    if st.session_state.pop("train_scroll", None) == job_id:
        # just started (here or by the Data page's button): on a phone the form filled the screen and
        # the progress was below it, out of sight
        jobs_view.into_view("train_live", key=f"train_into_view_{job_id}")

url.flush()  # this run's URL changes in one entry of the history (app.py flushes too; AppTest runs a page alone)
