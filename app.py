"""LSTM Lab: the router. Page config, navigation over pages/, and the shared sidebar."""

from pathlib import Path

import streamlit as st

from lstm_core import logs
from ui import jobs_view, nav, presenter, state, throttle, url
from ui.text import md_code, md_escape

logs.configure()  # LSTM_LAB_LOG sets the level; job failures are logged with their traceback

# A local icon: a Material-symbol page icon is fetched from Google's font servers (an error on every
# page in an offline classroom).
ICON = Path(__file__).parent / "ui" / "assets" / "icon.png"
# before the pages: set after them, the page's Material-symbol icon was the favicon, fetched from Google's servers
st.set_page_config(page_title="LSTM Lab", page_icon=str(ICON), layout="wide")

PAGES = [st.Page(path, title=title, icon=icon, default=i == 0) for i, (path, title, icon) in enumerate(nav.PAGES)]
page = st.navigation(PAGES)
# the browser's title names the page: every page was "LSTM Lab", the same words a screen reader said at each switch
st.set_page_config(page_title=f"{page.title} · LSTM Lab", page_icon=str(ICON))
url.begin(page.url_path)

with throttle.script_slot():  # at most a few sessions compute at once (see ui/throttle.py)
    state.dataset()
    if page.url_path == "gates":
        state.run_link_as_job()  # its own link's run= opens that run in another browser too
    state.sync_job_id()  # a reload adopts the job in the URL (and the data it was trained on)
    ds = state.dataset()
    presenter.sync()  # ?presenter=1 on any link; kept across page switches
    presenter.css(page.url_path)  # before the sidebar: Gates and Learn hide it when presenting
    with st.sidebar:
        presenter.toggle()
        st.markdown("### Dataset")
        st.caption(
            f"**{md_escape(ds.name)}** · {len(ds.frame):,} rows · target {md_code(ds.target)}"
            + (f" · inputs {md_escape(', '.join(ds.inputs))}" if ds.inputs else "")
        )
        st.markdown("### Device")
        st.caption(f"Engine trains on **{state.engine_device()}** (device = auto)")
        st.markdown("### Jobs")
        if problem := state.registry().store_problem:
            st.warning(md_escape(problem))
        jobs_view.job_list(state.owner())
        state.remember_owner()  # the owner key goes to the browser's cookie (never the URL)

    state.gone_link_notice(page.url_path)  # a ?job= link whose run is not here: one sentence, on top
    page.run()
    # the page's and the sidebar's URL changes in one entry of the browser's history (ui/url.py; a page that
    # stops early flushes first, url.stop); a run that ends in a rerun leaves its changes to the next (on a
    # loaded machine the Gates page's first run reran and wrote ?job=, the next its view: two entries)
    url.flush()
