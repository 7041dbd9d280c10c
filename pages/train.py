"""Train page: the run form (defaults = RunConfig defaults, bounds = validate() bounds) and the live job."""

import streamlit as st

from lstm_core.cells import CELL_DESCRIPTIONS
from lstm_core.config import BOUNDS, CELL_TYPES, DEVICES, SCALERS, TRANSFORMS, ConfigError, RunConfig
from lstm_core.train import available_devices
from ui import jobs_view, state
from ui.text import md_code, md_escape

st.title("Train")
ds = state.dataset()
st.caption(
    f"Dataset **{md_escape(ds.name)}** · target {md_code(ds.target)}"
    + (f" · inputs {md_escape(', '.join(ds.inputs))}" if ds.inputs else "")
    + " · change it on the Data page."
)
D, M, T = RunConfig().data, RunConfig().model, RunConfig().train


found = available_devices()


def device_name(d: str) -> str:
    return (
        f"auto → {found[0]} ({state.engine_device()})"
        if d == "auto"
        else (d if d in found else f"{d} (not available here)")
    )


job_id = state.sync_job_id()
if job_id:
    st.subheader("Current job")
    jobs_view.live_job(job_id, key="train_job", done_link=("pages/forecast.py", "See the forecast →"))
    st.subheader("New run")

with st.form("train_form"):
    left, mid, right = st.columns([1.4, 1, 1])
    with left:
        cell = st.radio(
            "Cell",
            CELL_TYPES,
            index=CELL_TYPES.index(M.cell),
            key="train_cell",
            persist_state=state.KEEP,
            captions=[CELL_DESCRIPTIONS[c] for c in CELL_TYPES],
        )
    with mid:
        hidden = st.number_input(
            "Hidden size",
            *BOUNDS["hidden_size"].int_range(),
            M.hidden_size,
            key="train_hidden",
            persist_state=state.KEEP,
        )
        layers = st.number_input(
            "Layers", *BOUNDS["num_layers"].int_range(), M.num_layers, key="train_layers", persist_state=state.KEEP
        )
        dropout = st.slider(
            "Dropout (between layers)", 0.0, 0.9, M.dropout, 0.05, key="train_dropout", persist_state=state.KEEP
        )
        # A kept value may not fit a shorter dataset loaded since: clip it into the new bounds.
        state.clamp_setting("train_look_back", 1, max(1, len(ds.frame) // 2))
        state.clamp_setting("train_horizon", 0, max(1, len(ds.frame) // 4))
        look_back = st.number_input(
            "Look-back (window length)",
            1,
            max(1, len(ds.frame) // 2),
            D.look_back,
            key="train_look_back",
            persist_state=state.KEEP,
        )
        horizon = st.number_input(
            "Horizon (steps predicted per window)",
            0,
            max(1, len(ds.frame) // 4),
            D.horizon,
            key="train_horizon",
            persist_state=state.KEEP,
            placeholder="auto (one season)",
            help="Empty = auto: one season of steps at once (8 without a season). "
            "0 maps inputs to the target (needs inputs).",
        )
        test_fraction = st.slider(
            "Test fraction", 0.05, 0.85, D.test_fraction, 0.01, key="train_test_fraction", persist_state=state.KEEP
        )
    with right:
        epochs = st.number_input(
            "Epochs (upper bound)",
            *BOUNDS["epochs"].int_range(),
            T.epochs,
            key="train_epochs",
            persist_state=state.KEEP,
        )
        batch = st.number_input(
            "Batch size", *BOUNDS["batch_size"].int_range(), T.batch_size, key="train_batch", persist_state=state.KEEP
        )
        lr = st.number_input(
            "Learning rate",
            1e-6,
            BOUNDS["lr"].hi,
            T.lr,
            format="%.4f",
            step=0.001,
            key="train_lr",
            persist_state=state.KEEP,
        )
        seed = st.number_input("Seed", *BOUNDS["seed"].int_range(), T.seed, key="train_seed", persist_state=state.KEEP)
        scaler = st.selectbox(
            "Scaler (fitted on train only)",
            SCALERS,
            index=SCALERS.index(D.scaler),
            key="train_scaler",
            persist_state=state.KEEP,
        )
        device = st.selectbox("Device", DEVICES, key="train_device", persist_state=state.KEEP, format_func=device_name)
    with st.expander("Advanced"):
        a1, a2, a3, a4 = st.columns(4)
        transform = a1.selectbox(
            "Target transform",
            TRANSFORMS,
            index=TRANSFORMS.index(D.transform),
            key="train_transform",
            persist_state=state.KEEP,
            help="auto: logs, a removed seasonal profile, differences and window normalisation, "
            "chosen by a short backtest on the data before the test part.",
        )
        val_fraction = a2.slider(
            "Validation fraction", 0.0, 0.5, D.val_fraction, 0.01, key="train_val_fraction", persist_state=state.KEEP
        )
        patience = a3.number_input(
            "Early-stopping patience (0 = off)",
            0,
            BOUNDS["epochs"].int_range()[1],
            T.patience or 0,
            key="train_patience",
            persist_state=state.KEEP,
        )
        ensemble = a4.number_input(
            "Networks (ensemble)",
            *BOUNDS["ensemble"].int_range(),
            T.ensemble,
            key="train_ensemble",
            persist_state=state.KEEP,
            placeholder="auto",
            help="Networks whose forecasts are averaged, spread over the best representations. "
            "Empty = auto: 10, or 3 for series over 1,000 points. More are steadier and "
            "slower; the gates shown are network 1's.",
        )
    start = st.form_submit_button("Start training", type="primary", icon=":material/play_arrow:")

if start:
    cfg = RunConfig().replace(
        target=ds.target,
        inputs=list(ds.inputs),
        look_back=int(look_back),
        test_fraction=float(test_fraction),
        horizon=None if horizon is None else int(horizon),
        val_fraction=float(val_fraction),
        scaler=scaler,
        transform=transform,
        cell=cell,
        hidden_size=int(hidden),
        num_layers=int(layers),
        dropout=float(dropout),
        epochs=int(epochs),
        batch_size=int(batch),
        lr=float(lr),
        seed=int(seed),
        patience=int(patience) or None,
        device=device,
        ensemble=None if ensemble is None else int(ensemble),
    )
    # A double click, two quick submits or Start after a reload must not train the same thing twice:
    # same data, config and seed give the same run, so the active twin is kept instead.
    twin = state.registry().active_twin(state.owner(), ds.series, cfg)
    if twin is not None:
        state.set_job(twin.id)
        st.info("This exact run is already queued or training (see Current job above); it was not started twice.")
    else:
        try:
            job_id = state.registry().submit(
                ds.series, cfg, owner=state.owner(), label=f"{cell} h{int(hidden)} on {ds.name}"
            )
            state.set_job(job_id)
            st.rerun()  # redraw the sidebar and start polling
        except ConfigError as exc:
            st.error(md_escape(exc))
