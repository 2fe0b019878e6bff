"""catlr.download against a local HTTP server on 127.0.0.1 serving the real files (no other network)."""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from catlr import cli, download
from catlr.data import load_dataset
from catlr.data_files import DATA_FILES, KNOWN_SHA256, TEST_FILE, TRAIN_FILE
from catlr.download import download_dataset
from catlr.errors import CatlrInputError


class _Handler(BaseHTTPRequestHandler):
    """GET /<mode>/<file>: good, corrupt (one byte flipped), drop (half the body, then close), missing (404)."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)
        mode, _, name = self.path.strip("/").partition("/")
        body = self.server.files.get(name)
        if body is None or mode not in ("good", "corrupt", "drop"):
            self.send_error(404)
            return
        if mode == "corrupt":
            body = body[:1000] + bytes([body[1000] ^ 0xFF]) + body[1001:]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if mode == "drop" else body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(real_data_dir: Path) -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files = {name: (real_data_dir / name).read_bytes() for name in DATA_FILES}
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def url(server: ThreadingHTTPServer) -> Iterator:
    server.requests.clear()
    yield lambda mode: f"http://127.0.0.1:{server.server_port}/{mode}/{{file}}"


def _folder_holds_only(folder: Path, names: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == names  # no .part file left behind


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_downloads_verified_files_with_progress(url, tmp_path: Path) -> None:
    seen = []
    folder = download_dataset(tmp_path / "d", mirrors=[url("good")], progress=lambda *a: seen.append(a))
    assert folder == tmp_path / "d"
    _folder_holds_only(folder, set(DATA_FILES))
    for name in DATA_FILES:
        assert _sha(folder / name) == KNOWN_SHA256[name]
        calls = [c for c in seen if c[0] == name]
        size = (folder / name).stat().st_size
        assert calls[-1] == (name, size, size)
        assert [c[1] for c in calls] == sorted(c[1] for c in calls) and len(calls) > 2
    assert load_dataset(folder).m_train == 209


def test_checksum_mismatch_writes_nothing(url, tmp_path: Path) -> None:
    with pytest.raises(CatlrInputError) as caught:
        download_dataset(tmp_path, mirrors=[url("corrupt")])
    message = str(caught.value)
    assert f"could not download {TRAIN_FILE}" in message and "checksum mismatch" in message
    assert "CATLR_DATA_DIR" in message and str(tmp_path) in message
    _folder_holds_only(tmp_path, set())


def test_dropped_connection_falls_through_to_the_next_mirror(url, server, tmp_path: Path) -> None:
    folder = download_dataset(tmp_path, mirrors=[url("drop"), url("good")])
    _folder_holds_only(folder, set(DATA_FILES))
    assert all(_sha(folder / n) == KNOWN_SHA256[n] for n in DATA_FILES)
    assert server.requests == [f"/{mode}/{n}" for n in DATA_FILES for mode in ("drop", "good")]


def test_all_mirrors_failing_says_what_each_did(url, tmp_path: Path) -> None:
    mirrors = [url("missing"), url("drop"), url("corrupt"), "file:///etc/{file}", "http://127.0.0.1:9/{file}"]
    with pytest.raises(CatlrInputError) as caught:
        download_dataset(tmp_path, mirrors=mirrors)
    lines = str(caught.value).splitlines()
    assert "HTTP 404" in lines[1] and mirrors[0].format(file=TRAIN_FILE) in lines[1]
    assert "connection dropped after" in lines[2]
    assert "checksum mismatch" in lines[3]
    assert "not an http(s) URL" in lines[4]
    assert "network error" in lines[5]
    _folder_holds_only(tmp_path, set())


def test_verified_files_are_not_fetched_again(url, server, real_data_dir: Path, tmp_path: Path) -> None:
    shutil.copy(real_data_dir / TRAIN_FILE, tmp_path / TRAIN_FILE)
    (tmp_path / TEST_FILE).write_bytes(b"stale")  # wrong checksum: replaced
    download_dataset(tmp_path, mirrors=[url("good")])
    assert server.requests == [f"/good/{TEST_FILE}"]
    assert _sha(tmp_path / TEST_FILE) == KNOWN_SHA256[TEST_FILE]


def test_default_destination_is_the_cache(url, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert download_dataset(mirrors=[url("good")]) == tmp_path / "catlr"
    _folder_holds_only(tmp_path / "catlr", set(DATA_FILES))


def test_cli_prints_progress_and_returns_0(url, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(download, "MIRRORS", (url("good"),))
    assert cli.main(["download", "--dest", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"{TRAIN_FILE}: 100% (2.6 of 2.6 MB)" in out and f"{TEST_FILE}: 100% (0.6 of 0.6 MB)" in out
    for name in DATA_FILES:
        steps = [int(line.split(":")[1].split("%")[0]) for line in out if line.startswith(name)]
        assert steps == sorted(set(steps)) and len(steps) >= 5 and all(s % 10 == 0 for s in steps)
    assert out[-1] == f"The dataset is ready in {tmp_path}"


def test_cli_failure_returns_1(url, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(download, "MIRRORS", (url("missing"),))
    assert cli.main(["download", "--dest", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: could not download {TRAIN_FILE}") and "HTTP 404" in err


def test_the_library_never_prints(url, tmp_path: Path, capsys) -> None:
    """Progress goes to the callback; only catlr.cli prints."""
    download_dataset(tmp_path / "ok", mirrors=[url("good")])
    with pytest.raises(CatlrInputError):
        download_dataset(tmp_path / "failed", mirrors=[url("missing")])
    assert capsys.readouterr() == ("", "")
