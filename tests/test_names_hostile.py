"""Look-alike column names (issue 11): zero-width, right-to-left and non-breaking characters do
not make two columns that read the same into two different names."""

from __future__ import annotations

import pytest

from lstm_core import data as lcdata


def csv(header: str) -> bytes:
    return (header + "\n" + "\n".join(f"2020-{m:02d}-01,{m},{m * 2}" for m in range(1, 13))).encode()


@pytest.mark.parametrize(
    "header",
    ["time,value,val\u200bue", "time,value,\u202evalue", "time,value,value\u200f", "time,a\u00a0b,a b"],
    ids=["zero-width space", "right-to-left override", "right-to-left mark", "non-breaking space"],
)
def test_look_alike_duplicate_names_are_refused_in_one_sentence(header):
    with pytest.raises(lcdata.DataError) as err:
        lcdata.load_csv(csv(header), name="x.csv")
    message = str(err.value)
    assert "appears more than once (counting names that differ only in invisible characters)" in message
    assert "\u200b" not in message and "\u202e" not in message


def test_invisible_characters_are_removed_from_a_name_with_a_note():
    loaded = lcdata.load_csv(csv("time,val\u200bue,ot\u2066her"), name="x.csv")
    assert list(loaded.frame.columns) == ["value", "other"]
    assert any("invisible or direction-changing characters" in n for n in loaded.report.notes)


def test_a_name_with_only_runs_of_spaces_is_not_said_to_hold_invisible_characters():
    """ "  spaced  name " read "held invisible or direction-changing characters (zero-width, ...)"."""
    loaded = lcdata.load_csv(csv("time,  spaced  name ,other"), name="x.csv")
    assert list(loaded.frame.columns) == ["spaced name", "other"]
    assert "Column name 'spaced name' had several spaces in a row in the file; they were made one." in (
        loaded.report.notes
    )
    assert not any("invisible" in n for n in loaded.report.notes)
