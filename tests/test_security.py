"""Security, checked on the real thing: the dashboard as a real ``streamlit run`` process, the CLI as a real
process. It listens on 127.0.0.1 only, XSRF protection is on and enforced, and no personal data reaches
a log.

Network traffic in these tests only ever goes to this machine's own addresses.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.streamlit_server import free_port, stop_process
from engine.importers.files import import_file
from engine.store import Store

ROOT = Path(__file__).parents[1]
START_TIMEOUT_S = 60

# A person nobody else in the test data is called, in every field an export can carry.
PERSONAL = ["Zebulon", "Quixote", "zq@example.com", "zebulon-quixote", "Quixotic Windmills", "Windmill Whisperer",
            "Ophelia", "Thistlewood", "ophelia.t@example.org", "+44 20 7946 0999"]
EXPORT = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Zebulon,Quixote,https://www.linkedin.com/in/zebulon-quixote,zq@example.com,Quixotic Windmills Ltd,"
    "Windmill Whisperer,01 Feb 2024\r\n"
    # a date that cannot be read (the contact kept, undated, named in a warning), and a row with too many fields
    "Ophelia,Thistlewood,https://www.linkedin.com/in/ophelia-t,ophelia.t@example.org,Quixotic Windmills Ltd,"
    "Analyst,the thirty-first of Smarch\r\n"
    "Ophelia,Thistlewood,https://www.linkedin.com/in/ophelia-t2,ophelia.t@example.org,Quixotic Windmills Ltd,"
    "Analyst,02 Feb 2024,+44 20 7946 0999,extra\r\n"
)
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:zq-1@example.com\r\nSUMMARY:Coffee with Zebulon Quixote\r\n"
    "DTSTART;TZID=Mars/Olympus_Mons:20240301T090000\r\n"
    "LOCATION:Quixotic Windmills Ltd\r\nORGANIZER;CN=Zebulon Quixote:mailto:zq@example.com\r\n"
    "ATTENDEE;CN=Ophelia Thistlewood:mailto:ophelia.t@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def personal_values_in(text: str) -> list[str]:
    folded = text.casefold()
    return [value for value in PERSONAL if value.casefold() in folded]


# -- the dashboard, a real process ------------------------------------------------------------------------
@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def stop(self) -> None:
        stop_process(self.process, timeout_s=15)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(db: Path, log_path: Path) -> Server:
    """``streamlit run app.py`` as ``make run`` does, but on a free port and without ``--server.address``:
    the address must come from .streamlit/config.toml. Streamlit logs at debug level, its most talkative."""
    port = free_port()
    env = {**os.environ, "RAPPORT_DB": str(db), "PYTHONUNBUFFERED": "1",
           # other engineers edit ui/ while tests run: no file watching, no reloads
           "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    env.pop("STREAMLIT_SERVER_ADDRESS", None)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                    "--logger.level", "debug"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(process, port, log_path)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the dashboard exited with {process.returncode}:\n{server.log()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url("_stcore/health"), timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)  # polling a health endpoint: nothing to wait on but time
    server.stop()
    raise AssertionError(f"no /_stcore/health within {START_TIMEOUT_S} s:\n{server.log()[-3000:]}")


@dataclass
class Workspace:
    db: Path
    cli: subprocess.CompletedProcess
    server: Server


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[Workspace]:
    """A workspace filled by ``rapport import`` (its output kept), served by a real dashboard."""
    folder = tmp_path_factory.mktemp("security")
    export = folder / "Connections.csv"
    export.write_text(EXPORT, encoding="utf-8")
    db = folder / "w.duckdb"
    cli = subprocess.run([sys.executable, "-m", "engine", "import", str(export), "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    server = start_server(db, folder / "streamlit.log")
    try:
        yield Workspace(db, cli, server)
    finally:
        server.stop()


# -- served on 127.0.0.1 only ------------------------------------------------------------------------------
def test_the_config_file_binds_localhost_with_xsrf_on_and_no_telemetry():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 50
    assert config["browser"]["gatherUsageStats"] is False
    assert config["browser"]["serverAddress"] == "127.0.0.1"
    # make run passes the same address on the command line
    assert "--server.address 127.0.0.1" in (ROOT / "Makefile").read_text(encoding="utf-8")


def _own_addresses() -> list[str]:
    """This machine's own non-loopback addresses (never anyone else's): from the host name, ``hostname -I``
    and ``ip addr``, each confirmed by binding a socket to it, which only works for a local address."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        found |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found |= set(subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout.split())
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        output = subprocess.run(["ip", "-o", "addr", "show"], capture_output=True, text=True, timeout=10).stdout
        found |= set(re.findall(r"\binet6?\s+([0-9A-Fa-f.:]+)", output))
    own = []
    for text in sorted(found):
        try:
            address = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_multicast or address.is_unspecified:
            continue
        try:
            with socket.socket(_family(str(address)), socket.SOCK_STREAM) as probe:
                probe.bind((str(address), 0))
        except OSError:
            continue  # not an address of this machine
        own.append(str(address))
    return own


def _family(address: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def _connect(address: str, port: int) -> None:
    with socket.socket(_family(address), socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect((address, port))


def test_the_dashboard_listens_on_loopback_only(app):
    port = app.server.port
    _connect("127.0.0.1", port)  # the control: it is up and accepting
    own = _own_addresses()
    if not own:
        pytest.skip("this machine has no address but loopback; nothing else to try")
    for address in own:
        with socket.socket(_family(address), socket.SOCK_STREAM) as listener:
            listener.bind((address, 0))  # the control: this address takes connections when something listens
            listener.listen(1)
            _connect(address, listener.getsockname()[1])
        with pytest.raises(ConnectionRefusedError):
            _connect(address, port)
    if _ipv6_loopback():
        with pytest.raises(ConnectionRefusedError):
            _connect("::1", port)


def test_the_listening_socket_is_bound_to_127_0_0_1(app):
    """The kernel's own table of listening sockets (no traffic at all): only 127.0.0.1:PORT."""
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        pytest.skip("no /proc/net/tcp on this system")
    listening = []
    for table in tables:
        if not table.exists():
            continue
        for row in table.read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, port = local.split(":")
            if state == "0A" and int(port, 16) == app.server.port:  # 0A: LISTEN
                listening.append(address)
    assert listening == ["0100007F"], f"listening on {listening} (0100007F is 127.0.0.1)"


# -- XSRF protection ----------------------------------------------------------------------------------------
def test_the_running_server_sets_an_xsrf_cookie_and_enforces_it(app):
    with urllib.request.urlopen(app.server.url("_stcore/health"), timeout=10) as answer:
        cookies = answer.headers.get_all("Set-Cookie") or []
    xsrf = [c for c in cookies if c.startswith("_streamlit_xsrf=")]
    assert xsrf, f"no _streamlit_xsrf cookie in {cookies}"
    token = xsrf[0].split(";")[0].split("=", 1)[1]
    assert "SameSite=Lax" in xsrf[0]

    def upload(headers: dict[str, str]) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", app.server.port, timeout=10)
        try:
            connection.request("PUT", "/_stcore/upload_file/no-such-session/no-such-file", body=b"x",
                               headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()

    assert upload({}) == 403  # a cross-site form cannot send the token: refused
    assert upload({"Cookie": f"_streamlit_xsrf={token}", "X-Xsrftoken": "2|00000000|" + "0" * 32 + "|1"}) == 403
    # with the matching token it gets past XSRF, to the next check (no such session)
    assert upload({"Cookie": f"_streamlit_xsrf={token}", "X-Xsrftoken": token}) == 400


# -- no personal data in logs -------------------------------------------------------------------------------
def _browse(port: int, page: str) -> bytes:
    """What a browser does: open the websocket and run ``page``; returns everything the server sent."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    received = b""
    with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], open_timeout=20) as ws:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_name = page
        ws.send(message.SerializeToString())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            raw = ws.recv(timeout=60)
            received += raw
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            assert kind != "page_not_found", f"no page {page!r} in the dashboard"
            if kind == "script_finished":
                return received
    raise AssertionError(f"the {page} page never finished")


@pytest.mark.slow
def test_no_personal_data_in_the_cli_output_or_the_dashboard_log(app, tmp_path):
    cli = app.cli.stdout + app.cli.stderr
    assert "2 new" in cli and "1 rejected" in cli and "without this date" in cli  # counts, reasons, warnings
    assert personal_values_in(cli) == [], cli

    # A second dashboard on the same file (its own log), stopped at the end so every line is flushed.
    server = start_server(app.db, tmp_path / "second-dashboard.log")
    try:
        seen = b""
        for page in ("contacts", "outreach", "today", ""):  # "": Home
            seen += _browse(server.port, page)
    finally:
        server.stop()
    # the sessions really showed the person (so there was something to leak) ...
    assert b"Zebulon" in seen and b"zq@example.com" in seen
    log = server.log()
    assert "Running script" in log, "Streamlit's debug log did not cover the sessions"
    # ... and none of it reached the server's stdout/stderr
    assert personal_values_in(log) == [], [line for line in log.splitlines() if personal_values_in(line)][:5]


def test_debug_logging_of_an_import_holds_no_personal_data(tmp_path, caplog):
    export = tmp_path / "Connections.csv"
    export.write_text(EXPORT, encoding="utf-8")
    calendar = tmp_path / "meetings.ics"
    calendar.write_text(CALENDAR, encoding="utf-8")
    store = Store(tmp_path / "w.duckdb")
    with caplog.at_level(logging.DEBUG):
        contacts = import_file(store, export)
        events = import_file(store, calendar)
    assert (contacts.inserted, contacts.rejected, events.inserted) == (2, 1, 1)
    assert any(r.levelno >= logging.WARNING for r in caplog.records), "nothing was logged: the test proves nothing"
    assert personal_values_in(caplog.text) == [], caplog.text
