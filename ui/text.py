"""User-supplied text (file names, column names, run labels, messages quoting them) made safe to
show in Streamlit elements that render Markdown (st.markdown, st.caption, st.info, st.error,
widget labels...).

A file or column name such as ``[x](http://evil.example)`` would otherwise become a live link,
``**x**`` bold text, and zero-width or right-to-left control characters would make two different
names look alike or reorder what is shown. :func:`md_escape` shows the text literally;
:func:`md_code` shows it as inline code; :func:`plot_text` is for Plotly titles and labels,
which understand a few HTML tags (``<a href>`` among them) instead of Markdown.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: Characters escaped wherever they are: links and images need ``[``/``]``; emphasis, strike,
#: code, maths (``$``), HTML and ``<url>`` autolinks, entities (``&#x202e;``), e-mail autolinks.
_SPECIALS = re.compile(r"([\\`*_\[\]<>~$&@])")
#: Bare autolinks (``http://``, ``www.``): their ``:`` or ``.`` is escaped, which breaks them.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp)(:)|\b(www)(\.)")
#: What makes a line a heading, list, quote or rule when it starts one.
_LINE_START = re.compile(r"^(\s*)([#+\-=>|]|\d+(?=[.)]))")
#: Zero-width, joiner and bidirectional control characters (shown as nothing, or reordering text).
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def upper_first(text: str) -> str:
    """``text`` with its first letter in upper case and the rest as it was ("Holt-Winters" stays
    so; ``str.capitalize`` makes it "Holt-winters")."""
    return text[:1].upper() + text[1:]


def visible(text: object) -> str:
    """``text`` as a string without invisible format and control characters (zero-width spaces,
    joiners, bidi overrides and isolates, other control characters); line breaks become spaces."""
    s = _INVISIBLE.sub("", str(text))
    return "".join(
        " " if ch in "\r\n\t" else ch for ch in s if ch in "\r\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )


def md_escape(text: object) -> str:
    """``text`` shown literally in a Markdown element: :func:`visible` (one line), then what
    would make a link, an image, emphasis, code, maths, HTML, a heading or a list
    backslash-escaped. Ordinary punctuation (``.``, ``:``, ``(``) is left as it is, so a sentence
    reads the same."""
    s = _SPECIALS.sub(r"\\\1", visible(text))
    s = _AUTOLINK.sub(lambda m: f"{m[1]}\\:" if m[1] else f"{m[3]}\\.", s)
    m = _LINE_START.match(s)
    if m:
        lead, mark = m[1], m[2]
        s = lead + (mark + "\\" if mark[0].isdigit() else "\\" + mark) + s[m.end() :]
    return s


def md_code(text: object) -> str:
    """``text`` as one inline code span (nothing inside is interpreted): :func:`visible`, fenced
    by more backticks than it holds in a row."""
    s = visible(text)
    fence = "`" * (max((len(r) for r in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def plot_text(text: object) -> str:
    """``text`` shown literally in a Plotly title, label or hover text: :func:`visible`, then
    ``<``, ``>`` and ``&`` written as HTML entities (Plotly turns ``<a href=...>`` into a link)."""
    return html.escape(visible(text), quote=False)


#: The help of the Train and Compare pages' "Max epochs" box: the meaning its short label leaves out
#: (the CLI's ``--epochs`` says the same).
EPOCHS_HELP = "The most epochs a network trains for (an upper bound): early stopping usually ends sooner."


def more_networks(n: int) -> str:
    """\"1 more network\", \"12 more networks\": the Forecast page's "How this forecast was made" wrote "1 more of 1
    output ... join them"."""
    return f"{n} more network{'s' if n != 1 else ''}"


def join_them(n: int) -> str:
    """The verb after :func:`more_networks` (``n`` networks)."""
    return "joins them" if n == 1 else "join them"
