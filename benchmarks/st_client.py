"""A headless Streamlit client that speaks the browser's websocket protocol (for load tests).

One ``StreamlitSession`` is what one browser tab does, without drawing anything:

- it takes the XSRF cookie from ``/_stcore/health`` and opens ``/_stcore/stream`` with the
  ``streamlit`` subprotocol (second entry: the XSRF token), as the web client does;
- it sends ``BackMsg.rerun_script`` with widget states and a page hash, and reads the
  ``ForwardMsg`` stream: ``navigation`` (page hashes), ``delta`` (elements: their text and
  widget ids), ``auto_rerun`` / ``stop_auto_rerun`` (fragment timers, which it then runs like
  the browser does), ``script_finished``;
- it uploads a file the browser's way: ``file_urls_request`` → ``file_urls_response``,
  multipart ``PUT`` with the ``X-Xsrftoken`` header, then the uploader's widget state;
- it keeps cookies like a browser: the app's owner-cookie component (``ui/owner_cookie.py``),
  whose script sets ``lstm_lab_owner`` in a browser, sets it in ``cookies`` here, and every
  connection sends ``cookies`` in its ``Cookie`` header. A new session given the same
  ``cookies`` (a reload, a reconnect after a server restart) is the same owner.

Only loopback is ever contacted; the server is the one the caller started. Used by
``benchmarks/bench_load.py``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

TEXT_FIELDS = ("markdown", "heading", "alert", "progress", "text", "metric")
EARLY_FOR_RERUN = 2  # ForwardMsg.ScriptFinishedStatus: another run follows at once (st.rerun)
FRAGMENT_FINISHED = 3  # ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
OWNER_COOKIE_COMPONENT = "lstm_lab_owner_cookie"  # ui.owner_cookie.COMPONENT (not imported: no app code here)


@dataclass
class Seen:
    """One element as the server sent it: its kind, the text a person reads, and its widget id."""

    kind: str
    text: str
    widget_id: str
    label: str
    sidebar: bool
    at: float


@dataclass
class Stats:
    """What one session measured: script runs and the time from a request to its last message."""

    full_runs: int = 0
    fragment_runs: int = 0
    messages: int = 0
    bytes_in: int = 0
    full_latencies: list[float] = field(default_factory=list)  # request -> script_finished, seconds
    fragment_latencies: list[float] = field(default_factory=list)


def element_text(kind: str, el) -> str:
    if kind == "metric":
        return f"{el.label}: {el.body}"
    if kind == "progress":
        return el.text
    return getattr(el, "body", "")


class StreamlitSession:
    """One simulated browser tab against ``http://127.0.0.1:port``.

    ``seen`` collects every element of every run in arrival order, so a wait for a text never
    misses one that came and went between two checks.
    """

    def __init__(self, port: int, name: str = "", query: str = "", cookies: dict[str, str] | None = None) -> None:
        self.port, self.name = port, name
        self.query = query  # the URL's query string, as the browser keeps it (st.query_params)
        self.cookies = dict(cookies or {})  # the browser's cookie jar for this host (not the XSRF one)
        self.base = f"http://127.0.0.1:{port}"
        self.ws = None
        self.session_id = ""
        self.pages: dict[str, str] = {}  # page name -> page_script_hash
        self.page_hash = ""
        self.widgets: dict[str, WidgetState] = {}
        self.widget_ids: dict[str, str] = {}  # user key -> widget id (from the latest run)
        self.seen: list[Seen] = []
        self.changed = asyncio.Event()
        self.running = False
        self.run_finished = asyncio.Event()
        self.runs_started = 0  # new_session messages so far
        self.finished_run = 0  # the value of runs_started at the latest script_finished
        self.timers: dict[str, float] = {}  # fragment id -> interval (s), as the browser keeps them
        self.pending_timers: dict[str, float] = {}
        self.file_urls: dict[str, asyncio.Future] = {}
        self.stats = Stats()
        self._sent_at: float | None = None
        self._sent_fragment = False
        self._tasks: list[asyncio.Task] = []
        self._xsrf = ""
        self.closed = False
        self.lost = False  # the server closed the connection (it stopped)

    # -- connection ---------------------------------------------------------------------------
    def _fetch_xsrf(self) -> str:
        with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=30) as r:
            cookie = r.headers.get("set-cookie", "")
        m = re.search(r"_streamlit_xsrf=([^;]+)", cookie)
        return m.group(1) if m else ""

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in {"_streamlit_xsrf": self._xsrf, **self.cookies}.items() if v)

    async def open(self) -> None:
        self._xsrf = await asyncio.to_thread(self._fetch_xsrf)
        protocols = ["streamlit", self._xsrf] if self._xsrf else ["streamlit"]
        self.ws = await connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=protocols,
            additional_headers={"Cookie": self._cookie_header()},
            origin=self.base,
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        self._tasks.append(asyncio.create_task(self._reader(), name=f"reader-{self.name}"))

    async def close(self) -> None:
        self.closed = True
        for t in self._tasks:
            t.cancel()
        if self.ws is not None:
            await self.ws.close()

    # -- reading ------------------------------------------------------------------------------
    async def _reader(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self.stats.messages += 1
                self.stats.bytes_in += len(data)
                self._handle(msg)
                self.changed.set()
        except Exception:  # noqa: BLE001 - a dropped connection ends the session like a closed one
            pass
        finally:
            self.lost = not self.closed
            self.changed.set()
            self.run_finished.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.runs_started += 1
            self.running, self.pending_timers = True, {}
            self.run_finished.clear()
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "navigation":
            self.pages = {p.page_name: p.page_script_hash for p in msg.navigation.app_pages}
            if msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el_kind = msg.delta.new_element.WhichOneof("type")
            el = getattr(msg.delta.new_element, el_kind)
            if el_kind == "bidi_component" and el.component_name == OWNER_COOKIE_COMPONENT:
                self._set_cookie(el.json)
            wid = getattr(el, "id", "") if hasattr(el, "id") else ""
            if wid.startswith("$$ID-"):
                self.widget_ids[wid.rsplit("-", 1)[-1]] = wid
            text = element_text(el_kind, el) if el_kind in TEXT_FIELDS else ""
            self.seen.append(
                Seen(
                    el_kind,
                    text,
                    wid,
                    getattr(el, "label", ""),
                    bool(msg.metadata.delta_path) and msg.metadata.delta_path[0] == 1,
                    time.time(),
                )
            )
        elif kind == "auto_rerun":
            self.pending_timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self.timers.pop(fid, None)
        elif kind == "script_finished":
            if msg.script_finished == EARLY_FOR_RERUN:
                return  # st.rerun(): the run that follows is the one that answers the request
            if msg.script_finished == FRAGMENT_FINISHED:
                self.stats.fragment_runs += 1
                self.timers.update(self.pending_timers)
            else:
                self.stats.full_runs += 1
                # A full run re-registers every fragment it draws: the browser keeps only those timers.
                self.timers = dict(self.pending_timers)
            self.pending_timers = {}
            if self._sent_at is not None:
                lat = self.stats.fragment_latencies if self._sent_fragment else self.stats.full_latencies
                lat.append(time.perf_counter() - self._sent_at)
                self._sent_at = None
            self.running = False
            self.finished_run = self.runs_started
            self.run_finished.set()
        elif kind == "file_urls_response":
            fut = self.file_urls.pop(msg.file_urls_response.response_id, None)
            if fut is not None and not fut.done():
                fut.set_result(msg.file_urls_response)

    def _set_cookie(self, payload: str) -> None:
        """What the owner-cookie component's script does in a browser: keep the key it is given."""
        data = json.loads(payload or "{}")
        if data.get("name") and re.fullmatch(r"[0-9a-f]{32}", str(data.get("key", ""))):
            self.cookies[data["name"]] = data["key"]

    # -- requests -----------------------------------------------------------------------------
    async def rerun(self, page: str | None = None, fragment_id: str = "", auto: bool = False) -> None:
        """Send a rerun with the current widget states; triggers are sent once, then dropped."""
        if page is not None:
            self.page_hash, self.widgets = self.pages[page], {}
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string, cs.page_script_hash = self.query, self.page_hash
        cs.fragment_id, cs.is_auto_rerun = fragment_id, auto
        cs.widget_states.widgets.extend(self.widgets.values())
        self.widgets = {k: w for k, w in self.widgets.items() if not w.trigger_value}
        self.run_finished.clear()
        self._sent_at, self._sent_fragment = time.perf_counter(), bool(fragment_id)
        await self.ws.send(msg.SerializeToString())

    async def run_and_wait(self, timeout: float, page: str | None = None) -> None:
        """Rerun and wait for the end of a run that started after the request.

        A run already going when the request is sent (say the one after an upload) finishes
        first; its ``script_finished`` must not count as the answer.
        """
        before = self.runs_started
        await self.rerun(page=page)
        deadline = time.monotonic() + timeout
        while self.finished_run <= before:
            if self.lost:
                raise ConnectionError(f"{self.name}: the server closed the connection")
            self.run_finished.clear()
            await asyncio.wait_for(self.run_finished.wait(), max(0.0, deadline - time.monotonic()))

    def set_widget(self, key: str, **value) -> None:
        """Set a widget by its user key (``int_value=5``, ``trigger_value=True``, ...)."""
        wid = self.widget_ids[key]
        ws = WidgetState(id=wid)
        for name, v in value.items():
            if name == "file_uploader_state_value":
                ws.file_uploader_state_value.CopyFrom(v)
            else:
                setattr(ws, name, v)
        self.widgets[wid] = ws

    def set_widget_id(self, wid: str, **value) -> None:
        """Like ``set_widget`` for a widget without a user key (a form's submit button)."""
        self.widget_ids[wid] = wid
        self.set_widget(wid, **value)

    def widget_id_where(self, kind: str, label: str) -> str:
        for s in reversed(self.seen):
            if s.kind == kind and s.label == label:
                return s.widget_id
        raise KeyError(f"no {kind} labelled {label!r}")

    async def upload(self, key: str, name: str, data: bytes, timeout: float) -> None:
        """Upload ``data`` as ``name`` to the file_uploader with user key ``key``, then rerun."""
        request_id = uuid.uuid4().hex
        fut = asyncio.get_running_loop().create_future()
        self.file_urls[request_id] = fut
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.session_id = self.session_id
        msg.file_urls_request.file_names.append(name)
        await self.ws.send(msg.SerializeToString())
        resp = await asyncio.wait_for(fut, timeout)
        if resp.error_msg:
            raise RuntimeError(resp.error_msg)
        urls = resp.file_urls[0]
        await asyncio.to_thread(self._put, urls.upload_url, name, data, timeout)
        from streamlit.proto.Common_pb2 import FileUploaderState

        state = FileUploaderState()
        info = state.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        self.set_widget(key, file_uploader_state_value=state)
        await self.rerun()

    def _put(self, url: str, name: str, data: bytes, timeout: float) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        req = urllib.request.Request(
            url if url.startswith("http") else self.base + url,
            data=body,
            method="PUT",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-Xsrftoken": self._xsrf,
                "Cookie": self._cookie_header(),
                "Origin": self.base,
            },
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            if r.status not in (200, 204):
                raise RuntimeError(f"upload answered {r.status}")

    # -- waiting and the fragment timers ------------------------------------------------------
    async def wait_for(self, predicate, timeout: float, since: int = 0) -> Seen:
        """The first element from index ``since`` on that satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        i = since
        while True:
            while i < len(self.seen):
                if predicate(self.seen[i]):
                    return self.seen[i]
                i += 1
            if self.lost:
                raise ConnectionError(f"{self.name}: the server closed the connection")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: not seen within {timeout:.0f} s")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                pass

    def start_timers(self) -> None:
        """Run fragment auto-reruns like the web client: each fragment on its own interval."""
        self._tasks.append(asyncio.create_task(self._timer_loop(), name=f"timers-{self.name}"))

    async def _timer_loop(self) -> None:
        due: dict[str, float] = {}
        while not self.closed:
            now = time.monotonic()
            for fid, interval in list(self.timers.items()):
                due.setdefault(fid, now + interval)
                if now >= due[fid] and not self.running:
                    due[fid] = now + interval
                    self.running = True
                    await self.rerun(fragment_id=fid, auto=True)
            for fid in [f for f in due if f not in self.timers]:
                due.pop(fid)
            await asyncio.sleep(0.05)
