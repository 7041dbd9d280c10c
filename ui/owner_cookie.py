"""The owner key's cookie: where a browser keeps the secret that makes it the owner of its jobs.

The key (32 hex digits, see :func:`ui.state.owner`) lives in a first-party cookie,
``lstm_lab_owner`` (``Path=/``, ``SameSite=Lax``, ``Max-Age`` 400 days, ``Secure`` on https).
It never appears in a URL, so copying the address bar or showing it on a projector hands
nothing over, and other sites cannot read it (a cookie is only sent to the host that set it).

- Read: :func:`from_browser`, from ``st.context.cookies``: the cookies the browser sent when its
  websocket connected. A session started before the cookie existed does not see it; the next
  session (a reload, a reconnect after a server restart, a new tab) does.
- Write: :func:`remember` mounts a bodiless ``st.components.v2`` component (in the page's DOM,
  no iframe) whose script sets the cookie in the browser. Nothing is drawn.

Tests: AppTest cannot send cookies, so :func:`browser_cookies` stands in for the browser's jar.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import streamlit as st

COOKIE = "lstm_lab_owner"
MAX_AGE_S = 400 * 24 * 3600  # the longest a browser keeps a cookie (Chromium caps Max-Age at 400 days)
KEY = re.compile(r"[0-9a-f]{32}")

# The component's script (an ES module). ``data``: {"name", "key", "maxAge"}. It writes the
# cookie only when the browser's jar does not hold this key already.
_JS = """
export default function ({ data }) {
  const name = data && data.name, key = data && data.key;
  if (!name || !/^[0-9a-f]{32}$/.test(key || "")) return;
  const held = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  if (held === name + "=" + key) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = name + "=" + key + "; Path=/; Max-Age=" + data.maxAge + "; SameSite=Lax" + secure;
}
"""
COMPONENT = "lstm_lab_owner_cookie"
_mount = st.components.v2.component(COMPONENT, js=_JS)

_override: Mapping[str, str] | None = None


@contextmanager
def browser_cookies(cookies: Mapping[str, str]) -> Iterator[None]:
    """Within the block, :func:`from_browser` reads ``cookies`` instead of the session's
    ``st.context.cookies`` (tests: AppTest cannot send a cookie header)."""
    global _override
    previous, _override = _override, dict(cookies)
    try:
        yield
    finally:
        _override = previous


def from_browser() -> str | None:
    """The owner key the browser sent in its cookie, or None (no cookie, or not a key)."""
    jar = _override if _override is not None else st.context.cookies
    value = jar.get(COOKIE)
    return value if isinstance(value, str) and KEY.fullmatch(value) else None  # AppTest's jar is a mock


def remember(key: str) -> None:
    """Have the browser keep ``key`` in its owner cookie (draws nothing; call from a full run)."""
    if not KEY.fullmatch(key):
        raise ValueError(f"not an owner key: {key!r}")
    _mount(key=COMPONENT, data={"name": COOKIE, "key": key, "maxAge": MAX_AGE_S}, width="content", height="content")
