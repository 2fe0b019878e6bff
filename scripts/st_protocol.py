"""A minimal Streamlit 1.67 browser over the websocket protocol, for scripts/load.py (no UI, no JavaScript).

What a browser tab does, and what this module does the same way:
- ``GET /_stcore/health`` (its reply sets the ``_streamlit_xsrf`` cookie) and ``GET /_stcore/host-config``; every
  cookie a reply sets is kept and sent again, so a balancer's sticky-session cookie (HAProxy's ``SERVERID``)
  keeps the tab on one backend, websocket included.
- the websocket ``/_stcore/stream`` with subprotocols ``streamlit`` + the XSRF token, the cookies and a
  same-origin ``Origin``; messages are ``BackMsg`` up and ``ForwardMsg`` down (Streamlit's own protobufs).
- a page opens with ``rerun_script(page_name=...)``; the page's hash then comes from the ``navigation`` message.
- every later rerun carries the page hash, the URL's query string and **all** widget states. A freshly drawn
  widget's state is its default as the element proto gives it (:func:`default_state`); widget ids read
  ``$$ID-<hash>-<user key>``; a keyed ``st.tabs`` is a widget too (its value: the open tab's label).
- a button press is one rerun carrying the button's ``trigger_value`` (true for that run only).
- ``st.fragment(run_every=...)``: the server sends ``auto_rerun`` (interval, fragment id) and the browser's timer
  then sends ``rerun_script`` with that ``fragment_id`` and ``is_auto_rerun``; a press on a widget inside a
  fragment reruns that fragment only (``fragment_id``, no auto flag). A fragment's run ends with
  ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY`` and its elements carry ``delta.fragment_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert  # noqa: TID251 - Streamlit's wire format, not its UI
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: TID251
from websockets.asyncio.client import ClientConnection, connect

HTTP_TIMEOUT = 10.0  # seconds, each HTTP request
HTTP_MAX_BYTES = 2**20  # health and host-config answers are a few KB
OPEN_TIMEOUT = 30.0  # seconds, the websocket handshake (a server busy training answers late)
MAX_MESSAGE = 64 * 2**20  # bytes: charts and tables come as single messages of tens of KB


@dataclass(frozen=True)
class Target:
    """A server (or balancer): ``base`` is ``http://host:port`` as the browser's address bar has it."""

    host: str
    port: int

    @property
    def netloc(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.netloc}"


# --- HTTP: a GET and a cookie jar ------------------------------------------------------------------------


async def http_get(target: Target, path: str, cookies: dict[str, str]) -> tuple[int, bytes]:
    """GET ``path`` (HTTP/1.1, its own connection) within HTTP_TIMEOUT; every Set-Cookie goes into ``cookies``."""

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(target.host, target.port)
        try:
            lines = [f"GET {path} HTTP/1.1", f"Host: {target.netloc}", "Connection: close", "Accept: */*"]
            if cookies:
                lines.append("Cookie: " + cookie_header(cookies))
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            await writer.drain()
            raw = await reader.read(HTTP_MAX_BYTES + 1)
            while len(raw) <= HTTP_MAX_BYTES and (more := await reader.read(HTTP_MAX_BYTES + 1 - len(raw))):
                raw += more
            if len(raw) > HTTP_MAX_BYTES:
                raise RuntimeError(f"GET {path}: the answer is over {HTTP_MAX_BYTES} bytes")
            return raw
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    raw = await asyncio.wait_for(exchange(), HTTP_TIMEOUT)
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = [(name.strip().lower(), value.strip()) for name, _, value in (h.partition(":") for h in header_lines)]
    for name, value in headers:
        if name == "set-cookie":  # name=value; attributes...  (values kept as sent: the XSRF token holds "|")
            cookie_name, _, cookie_value = value.split(";", 1)[0].partition("=")
            cookies[cookie_name.strip()] = cookie_value.strip()
    if ("transfer-encoding", "chunked") in headers:
        body = dechunk(body)
    return int(status_line.split()[1]), body


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def dechunk(body: bytes) -> bytes:
    """The payload of an HTTP/1.1 chunked body."""
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


# --- widgets as the browser holds them -------------------------------------------------------------------


@dataclass
class Widget:
    """One widget of the last run: its id, the key the script gave it, its state now and as drawn."""

    id: str
    key: str
    state: WidgetState
    default: WidgetState
    query_key: str | None  # the URL parameter of a bind="query-params" widget
    options: list[str] = field(default_factory=list)  # formatted labels, for the option widgets
    script_set: bool = False  # the script set the value (session state): it replaces the user's
    fragment_id: str = ""  # the fragment that drew it ("" outside any)


def user_key(widget_id: str) -> str:
    """The key a widget was given in the script: element ids read ``$$ID-<hash>-<key>``."""
    match = re.fullmatch(r"\$\$ID-[0-9a-f]+-(.*)", widget_id)
    return match.group(1) if match else ""


def default_state(kind: str, el) -> WidgetState | None:
    """The state the browser holds for a freshly drawn widget: its default, or the value the script set.

    None for one-shot triggers (buttons), files, and kinds this client does not model: a browser sends no
    state for those until the user acts on them.
    """
    ws = WidgetState(id=el.id)
    if kind == "checkbox":  # st.checkbox and st.toggle
        ws.bool_value = el.value if el.set_value else el.default
    elif kind == "slider" and el.options:  # st.select_slider: the formatted labels, never the indices
        labels = list(el.raw_value) if el.set_value and el.raw_value else None
        indices = el.value if el.set_value else el.default
        ws.string_array_value.data.extend(labels or [el.options[int(i)] for i in indices])
    elif kind == "slider":
        ws.double_array_value.data.extend(el.value if el.set_value else el.default)
    elif kind == "multiselect":
        ws.string_array_value.data.extend(el.raw_values if el.set_value else [el.options[i] for i in el.default])
    elif kind in ("selectbox", "radio"):
        if el.set_value and el.HasField("raw_value"):
            ws.string_value = el.raw_value
        elif el.HasField("default"):
            ws.string_value = el.options[el.default]
        else:
            return None
    elif kind == "number_input":
        value = el.value if el.set_value and el.HasField("value") else el.default if el.HasField("default") else None
        if value is None:
            return None
        if el.data_type == el.INT:
            ws.int_value = int(value)
        else:
            ws.double_value = value
    elif kind == "tab_container":  # without a default label, the default tab's label arrives in its block
        ws.string_value = el.default_tab_label
    else:
        return None
    return ws


# --- one session's page ----------------------------------------------------------------------------------


@dataclass
class Run:
    """What one script run drew: widgets by id, metrics (label -> text) and when each arrived, errors shown."""

    widgets: dict[str, Widget] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)
    metric_times: dict[str, float] = field(default_factory=dict)  # time.perf_counter() at arrival
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the bodies of headings, markdown and alerts, in order
    buttons: dict[str, tuple[str, str]] = field(default_factory=dict)  # user key -> (button id, fragment id)


class Page:
    """The client side of one session: the page's hash, the URL query, the widgets and the last run's output."""

    def __init__(self, target: Target, page_name: str) -> None:
        self.target, self.page_name = target, page_name
        self.page_hash = ""
        self.query: dict[str, list[str]] = {}
        self.widgets: dict[str, Widget] = {}  # the last finished run's, with the user's values
        self.run = Run()
        self.buttons: dict[str, tuple[str, str]] = {}  # the last finished runs' buttons, by user key
        self.auto_reruns: dict[str, float] = {}  # fragment id -> seconds between its automatic reruns
        self._tabs = None  # (delta path, TabContainer) of the last keyed st.tabs drawn

    def apply(self, msg: ForwardMsg) -> None:
        """Take in one server message (script_finished is the caller's)."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # sent at the start of every script run
            self.run = Run()
        elif kind == "navigation":  # the page's hash: the new_session one is app.py's
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":  # the script changed the URL's query string
            self.query = urllib.parse.parse_qs(msg.page_info_changed.query_string, keep_blank_values=True)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
            self._block(msg.delta.add_block, list(msg.metadata.delta_path))
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id)
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)

    def _element(self, element, fragment_id: str = "") -> None:
        kind = element.WhichOneof("type")
        el = getattr(element, kind)
        if kind in ("heading", "markdown", "alert"):
            self.run.texts.append(el.body)
        if kind == "button" and el.id:
            self.run.buttons[user_key(el.id)] = (el.id, fragment_id)
        if kind == "metric":
            self.run.metrics[el.label] = el.body
            self.run.metric_times[el.label] = time.perf_counter()
        elif kind == "exception":
            self.run.errors.append(f"exception {el.type}: {el.message}")
        elif kind == "alert" and el.format == Alert.ERROR:  # st.error, e.g. the router's "Something went wrong"
            self.run.errors.append(f"error: {el.body}")
        elif "id" in el.DESCRIPTOR.fields_by_name and el.id.startswith("$$ID-"):
            self._widget(kind, el, fragment_id)

    def _block(self, block, path: list[int]) -> None:
        """A keyed st.tabs is a widget whose value is the open tab's label; the labels come in its tab blocks."""
        kind = block.WhichOneof("type")
        if kind == "tab_container":
            self._tabs = (path, block.tab_container)
            self._widget("tab_container", block.tab_container)
        elif kind == "tab" and self._tabs is not None and path[:-1] == self._tabs[0]:
            container = self._tabs[1]
            widget = self.run.widgets.get(container.id)
            if widget is not None and not container.HasField("default_tab_label"):
                if path[-1] == container.default_tab_index:
                    widget.state.string_value = block.tab.label  # state and default: one object until moved

    def _widget(self, kind: str, el, fragment_id: str = "") -> None:
        state = default_state(kind, el) if el.id else None
        if state is None:
            return
        query_key = el.query_param_key if el.HasField("query_param_key") else None
        options = list(el.options) if kind in ("slider", "multiselect", "selectbox", "radio") else []
        set_by_script = getattr(el, "set_value", False)
        widget = Widget(el.id, user_key(el.id), state, state, query_key, options, set_by_script, fragment_id)
        self.run.widgets[el.id] = widget

    def finish_run(self, fragment_id: str = "") -> None:
        """The run is over: its widgets are the page's now; a widget the user moved keeps the user's value.
        A fragment's run replaces only that fragment's widgets and buttons."""
        previous, self.widgets = self.widgets, self.run.widgets
        if fragment_id:
            kept = {wid: w for wid, w in previous.items() if w.fragment_id != fragment_id}
            self.widgets = {**kept, **self.run.widgets}
            buttons = {k: b for k, b in self.buttons.items() if b[1] != fragment_id}
            self.buttons = {**buttons, **self.run.buttons}
        else:
            self.buttons = dict(self.run.buttons)
        for wid, widget in self.widgets.items():
            moved = wid in previous and previous[wid].state is not previous[wid].default
            if moved and not widget.script_set:
                widget.state = previous[wid].state

    def widget(self, key: str) -> Widget:
        """The widget the script gave ``key``; LookupError naming the keys there are."""
        for widget in self.widgets.values():
            if widget.key == key:
                return widget
        raise LookupError(
            f"no widget with key {key!r} on the page (keys: {sorted(w.key for w in self.widgets.values())})"
        )

    def set_labels(self, key: str, labels: list[str]) -> None:
        """Move a select_slider (or multiselect) to the formatted ``labels`` as a user would; the URL follows."""
        widget = self.widget(key)
        state = WidgetState(id=widget.id)
        state.string_array_value.data.extend(labels)
        widget.state = state
        if widget.query_key:  # the browser writes a bound widget into the URL, and drops it at its default
            if state == widget.default:
                self.query.pop(widget.query_key, None)
            else:
                self.query[widget.query_key] = labels

    def set_int(self, key: str, value: int) -> None:
        """Type ``value`` into an integer st.number_input."""
        widget = self.widget(key)
        widget.state = WidgetState(id=widget.id, int_value=int(value))

    def rerun_message(self, fragment_id: str = "", press: str = "", auto: bool = False) -> BackMsg:
        """The BackMsg a browser sends: the first opens the page by name, later ones carry every widget state;
        ``press``: the user key of the button pressed in this rerun; ``fragment_id``: rerun that fragment only
        (``auto``: by its run_every timer)."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.page_name = self.page_name
        rerun.query_string = urllib.parse.urlencode(self.query, doseq=True)
        if self.page_hash:  # a wrong hash would silently run another page
            rerun.page_script_hash = self.page_hash
            rerun.widget_states.widgets.extend(w.state for w in self.widgets.values())
        if press:
            rerun.widget_states.widgets.append(WidgetState(id=self.buttons[press][0], trigger_value=True))
        rerun.fragment_id, rerun.is_auto_rerun = fragment_id, auto
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale, info.is_embedded = "UTC", 0, "en-US", False
        info.url = f"{self.target.base}/{self.page_name}" + (f"?{rerun.query_string}" if rerun.query_string else "")
        return msg


async def rerun(ws: ClientConnection, page: Page) -> None:
    """Send the page's rerun and read until its runs end (through any FINISHED_EARLY_FOR_RERUN) with success."""
    await ws.send(page.rerun_message().SerializeToString())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "page_not_found":
            raise RuntimeError(f"the server has no page {msg.page_not_found.page_name!r}")
        if kind != "script_finished":
            page.apply(msg)
        elif msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            page.finish_run()
            return
        elif msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            raise RuntimeError("the app's script failed to compile")
        # FINISHED_EARLY_FOR_RERUN: st.rerun, the next run follows. A fragment's own run ends no page run.


async def exchange(ws: ClientConnection, page: Page, fragment_id: str = "", press: str = "", auto: bool = False) -> str:
    """Send one rerun (of ``fragment_id`` only, if given; pressing ``press``) and read until it ends: "app" when a
    whole run ended it (an st.rerun(scope="app") from a fragment ends that way), "fragment" for the fragment's."""
    await ws.send(page.rerun_message(fragment_id, press, auto).SerializeToString())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "page_not_found":
            raise RuntimeError(f"the server has no page {msg.page_not_found.page_name!r}")
        if kind != "script_finished":
            page.apply(msg)
        elif msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            page.finish_run()
            return "app"
        elif msg.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            page.finish_run(fragment_id)
            return "fragment"
        elif msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            raise RuntimeError("the app's script failed to compile")


@contextlib.asynccontextmanager
async def session(target: Target, page_name: str, on_stage=lambda stage: None) -> AsyncIterator[tuple]:
    """Open a tab on ``page_name`` as a browser does and yield (websocket, Page); closed on exit.

    ``on_stage`` is told each step ("health", "host-config", "connect") before it starts.
    """
    cookies: dict[str, str] = {}
    on_stage("health")
    status, body = await http_get(target, "/_stcore/health", cookies)
    if status != 200 or body.strip() != b"ok":
        raise RuntimeError(f"/_stcore/health answered {status} {body[:80]!r}")
    on_stage("host-config")
    status, _ = await http_get(target, "/_stcore/host-config", cookies)
    if status != 200:
        raise RuntimeError(f"/_stcore/host-config answered {status}")
    on_stage("connect")
    xsrf = cookies.get("_streamlit_xsrf")
    async with connect(
        f"ws://{target.netloc}/_stcore/stream",
        subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
        origin=target.base,
        additional_headers={"Cookie": cookie_header(cookies)} if cookies else None,
        open_timeout=OPEN_TIMEOUT,
        close_timeout=5,
        ping_interval=None,  # as the browser: a server busy training must not look dead
        max_size=MAX_MESSAGE,
        proxy=None,  # loopback: no proxy from the environment
    ) as ws:
        yield ws, Page(target, page_name)
