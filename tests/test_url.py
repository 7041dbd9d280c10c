"""ui.url: the URL's changes of a script run are written once, at its end (one entry of the history)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    """Stages per the session's ``plan`` (page, changes, whether the run ends by flushing)."""
    import streamlit as st

    from ui import url

    page, changes, ends = st.session_state["plan"]
    url.begin(page)
    for name, value in changes.items():
        url.put(name, value)
    st.write(f"view={url.get('view')} job={url.get('job')} moved={url.moved()}")  # read back before written
    if ends:
        url.flush()


def _app(*plans):
    at = AppTest.from_function(_script, default_timeout=30)
    for plan in plans:
        at.session_state["plan"] = plan
        at.run()
        assert not at.exception
    return at


def test_staged_changes_read_back_before_they_are_written():
    at = _app(("gates", {"view": "Unit", "job": "j1"}, False))
    assert at.markdown[0].value == "view=Unit job=j1 moved={}"
    assert "view" not in at.query_params  # not written: the run did not end


def test_a_run_cut_short_leaves_its_changes_to_the_next_run_of_the_page():
    at = _app(("gates", {"job": "j1"}, False), ("gates", {"view": "Unit"}, True))
    assert at.query_params["job"] == "j1" and at.query_params["view"] == "Unit"


def test_a_switch_to_another_page_drops_the_changes_staged_on_the_last():
    at = _app(("gates", {"view": "Unit", "job": "j1"}, False), ("train", {"job": "j2"}, True))
    assert at.query_params["job"] == "j2" and "view" not in at.query_params


def test_none_drops_a_parameter_and_a_list_is_written_comma_separated():
    at = _app(("gates", {"view": "Unit", "gate": ["i", "f"]}, True), ("gates", {"view": None}, True))
    assert at.query_params["gate"] == "i,f" and "view" not in at.query_params


def test_moved_names_what_back_changed_in_the_url_since_the_page_wrote_it():
    at = _app(("gates", {"view": "Unit", "job": "j1"}, True), ("gates", {}, True))
    assert at.markdown[0].value.endswith("moved={}")  # the page's own query: nothing moved
    at.query_params["view"] = "Heatmaps"  # the browser went Back to the entry before
    at.session_state["plan"] = ("gates", {}, True)
    at.run()
    assert at.markdown[0].value.endswith("moved={'view': 'Heatmaps'}")
    at.session_state["plan"] = ("train", {}, True)  # another page: nothing of this one's moved
    at.run()
    assert at.markdown[0].value.endswith("moved={}")
