"""python -m catlr: the exercise's output, per-photo errors, and one-line errors for every bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from h5fixtures import H5_CASES, case_files, write_dataset_files
from skimage import data as skdata

from catlr import cli, limits
from catlr.errors import CatlrInputError

REPO_ROOT = Path(__file__).resolve().parent.parent

# The seed's printed costs at iterations 0, 100, …, 1900 for (2000, 0.005): ../shared/data/README.md.
README_COSTS = [
    0.693147, 0.584508, 0.466949, 0.376007, 0.331463, 0.303273, 0.279880, 0.260042, 0.242941, 0.228004,
    0.214820, 0.203078, 0.192544, 0.183033, 0.174399, 0.166521, 0.159305, 0.152667, 0.146542, 0.140872,
]  # fmt: skip
PREDICTION_LINE = re.compile(r"^(?P<name>\S+)  P\(cat\)=(?P<p>[01]\.\d{4})  (?P<label>cat|non-cat)$")


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)
    return path


def _run(argv: list[str], capsys) -> tuple[int, list[str], list[str]]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def _assert_one_error_line(err: list[str], *fragments: str) -> None:
    assert len(err) == 1, err
    assert err[0].startswith("error: ")
    assert "Traceback" not in err[0]
    for fragment in fragments:
        assert fragment in err[0]


@pytest.fixture
def tiny_data(tmp_path) -> Path:
    return write_dataset_files(tmp_path / "data")


@pytest.fixture(scope="module")
def chelsea_jpeg(tmp_path_factory) -> Path:
    from PIL import Image

    path = tmp_path_factory.mktemp("photos") / "chelsea.jpg"
    Image.fromarray(skdata.chelsea()).save(path, format="JPEG", quality=90)
    return path


# --- train ---------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_train_prints_the_exercise_lines(real_data_dir, capsys):
    code, out, err = _run(["train", "--data-dir", str(real_data_dir)], capsys)
    assert code == 0 and err == []
    expected = [f"Cost after iteration {i}: {c:f}" for i, c in zip(range(0, 2000, 100), README_COSTS, strict=True)]
    assert out == [*expected, "train accuracy: 99.04306220095694 %", "test accuracy: 70.0 %"]


def test_train_on_a_small_dataset_prints_one_cost_per_100_iterations(tiny_data, capsys):
    argv = ["train", "--data-dir", str(tiny_data), "--iterations", "250", "--learning-rate", "0.01"]
    code, out, err = _run(argv, capsys)
    assert code == 0 and err == []
    assert [line.split(":")[0] for line in out[:3]] == [f"Cost after iteration {i}" for i in (0, 100, 200)]
    assert out[0] == "Cost after iteration 0: 0.693147"
    assert out[3].startswith("train accuracy: ") and out[4].startswith("test accuracy: ") and len(out) == 5


@pytest.mark.parametrize(("iterations", "rate"), [("250", "0.01"), ("1000", "0.005"), ("0", "0.005")])
def test_train_prints_what_the_exercise_model_prints(tiny_data, capsys, iterations, rate):
    from catlr.data import flatten, load_dataset
    from catlr.exercise import model

    d = load_dataset(tiny_data)
    model(
        flatten(d.train_set_x_orig),
        d.train_set_y,
        flatten(d.test_set_x_orig),
        d.test_set_y,
        num_iterations=int(iterations),
        learning_rate=float(rate),
        print_cost=True,
    )
    printed_by_model = capsys.readouterr().out.splitlines()
    argv = ["train", "--data-dir", str(tiny_data), "--iterations", iterations, "--learning-rate", rate]
    code, out, _ = _run(argv, capsys)
    assert code == 0 and out == printed_by_model


@pytest.mark.parametrize(
    ("flag", "value", "fragment"),
    [
        pytest.param("--learning-rate", "abc", "learning rate must be a number", id="N02-text"),
        pytest.param("--learning-rate", "0", "learning rate must be", id="N02-zero"),
        pytest.param("--learning-rate", "-0.1", "learning rate must be", id="N02-negative"),
        pytest.param("--learning-rate", "nan", "learning rate must be", id="N02-nan"),
        pytest.param("--learning-rate", "inf", "learning rate must be", id="N02-inf"),
        pytest.param("--learning-rate", "1e6", "learning rate must be", id="N02-huge"),
        pytest.param("--iterations", "2.5", "iterations must be a whole number", id="N03-fraction"),
        pytest.param("--iterations", "-1", "iterations must be between", id="N03-negative"),
        pytest.param("--iterations", "1e9", "iterations must be between", id="N03-huge"),
        pytest.param("--l2", "-1", "L2 penalty must be", id="N02-l2"),
    ],
)
def test_train_rejects_bad_settings_in_one_line(tiny_data, capsys, flag, value, fragment):
    code, out, err = _run(["train", "--data-dir", str(tiny_data), f"{flag}={value}"], capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err, fragment)


def test_train_rejects_more_work_than_the_budget(tmp_path, capsys):
    folder = write_dataset_files(tmp_path / "big", m_train=400, m_test=2, num_px=2)
    code, out, err = _run(["train", "--data-dir", str(folder), "--iterations", "20000"], capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err, "iterations")


HOSTILE = ("H02", "H03", "H05", "H09", "H19")  # not HDF5, truncated, /etc/passwd storage, segfault, bad labels


@pytest.mark.parametrize("case_id", [pytest.param(c, id=c) for c in HOSTILE])
def test_a_hostile_dataset_folder_gives_one_line(tmp_path, capsys, case_id):
    folder = case_files(case_id, tmp_path / "data")
    code, out, err = _run(["train", "--data-dir", str(folder)], capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err)
    assert re.search(H5_CASES[case_id].match, err[0])


def test_a_folder_without_the_files_gives_one_line(tmp_path, capsys):
    code, out, err = _run(["predict", "x.jpg", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err, "train_catvnoncat.h5")


def test_a_hostile_dataset_folder_in_a_real_process(tmp_path):
    folder = case_files("H09", tmp_path / "data")  # a file that segfaults a naive reader
    done = subprocess.run(
        [sys.executable, "-m", "catlr", "train", "--data-dir", str(folder)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    _assert_one_error_line(done.stderr.splitlines(), "virtual dataset")


# --- predict -------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_predict_a_photo_and_a_garbage_file(real_data_dir, chelsea_jpeg, tmp_path, capsys):
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"<html>not a photo</html>" * 10)
    code, out, err = _run(["predict", str(chelsea_jpeg), str(garbage), "--data-dir", str(real_data_dir)], capsys)
    assert code == 1
    assert len(out) == 1
    match = PREDICTION_LINE.match(out[0])
    assert match and match["name"] == str(chelsea_jpeg)
    assert match["label"] == ("cat" if float(match["p"]) > 0.5 else "non-cat")
    _assert_one_error_line(err, str(garbage), "not a supported image")


def test_save_then_model_gives_the_same_probability(tiny_data, chelsea_jpeg, tmp_path, capsys):
    saved = tmp_path / "model.npz"
    code, out, _ = _run(["train", "--data-dir", str(tiny_data), "--save", str(saved)], capsys)
    assert code == 0 and out[-1] == f"saved the model to {saved}" and saved.is_file()
    code, from_file, err = _run(["predict", str(chelsea_jpeg), "--model", str(saved)], capsys)
    assert code == 0 and err == []
    # Without --model, predict trains the same default (2000, 0.005) model on the same data.
    code, retrained, _ = _run(["predict", str(chelsea_jpeg), "--data-dir", str(tiny_data)], capsys)
    assert code == 0 and PREDICTION_LINE.match(from_file[0])
    assert from_file == retrained


def test_predict_fit_changes_the_input(tiny_data, chelsea_jpeg, tmp_path, capsys):
    saved = tmp_path / "model.npz"
    assert cli.main(["train", "--data-dir", str(tiny_data), "--iterations", "300", "--save", str(saved)]) == 0
    capsys.readouterr()
    _, crop, _ = _run(["predict", str(chelsea_jpeg), "--model", str(saved), "--fit", "crop"], capsys)
    _, squash, _ = _run(["predict", str(chelsea_jpeg), "--model", str(saved), "--fit", "squash"], capsys)
    assert PREDICTION_LINE.match(crop[0]) and PREDICTION_LINE.match(squash[0]) and crop != squash


@pytest.mark.parametrize(
    ("where", "fragment"),
    [
        pytest.param("missing/model.npz", "does not exist", id="no-folder"),
        pytest.param(".", "it is a folder", id="a-folder"),
    ],
)
def test_train_checks_where_it_will_save_before_training(tiny_data, tmp_path, capsys, where, fragment):
    code, out, err = _run(["train", "--data-dir", str(tiny_data), "--save", str(tmp_path / where)], capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err, "cannot save the model", fragment)


# --- report --------------------------------------------------------------------------------------


def test_report_writes_a_pdf_handout_of_the_settings(tiny_data, tmp_path, capsys):
    import pypdf

    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "run.pdf"
    argv = ["report", "--data-dir", str(tiny_data), "--iterations", "250", "--learning-rate", "0.01", "--out", str(out)]
    code, printed, err = _run(argv, capsys)
    assert code == 0 and err == []
    assert printed == [f"wrote the handout to {out} ({out.stat().st_size:,} bytes)"]
    pages = pypdf.PdfReader(out).pages
    assert len(pages) == 3  # the exercise's learning-rate comparison is the third
    first = " ".join(pages[0].extract_text().split())
    assert "250 iterations" in first and "learning rate 0.01" in first
    assert [p.name for p in out.parent.iterdir()] == ["run.pdf"]  # no temporary file left beside it


@pytest.mark.parametrize(
    ("flag", "value", "fragment"),
    [
        pytest.param("--learning-rate", "abc", "learning rate must be a number", id="N02-text"),
        pytest.param("--learning-rate", "0", "learning rate must be", id="N02-zero"),
        pytest.param("--l2", "-1", "L2 penalty must be", id="N02-l2"),
        pytest.param("--iterations", "2.5", "iterations must be a whole number", id="N03-fraction"),
        pytest.param("--iterations", "-1", "iterations must be between", id="N03-negative"),
    ],
)
def test_report_rejects_bad_settings_in_one_line(tiny_data, tmp_path, capsys, flag, value, fragment):
    out = tmp_path / "run.pdf"
    code, printed, err = _run(["report", "--data-dir", str(tiny_data), f"{flag}={value}", "--out", str(out)], capsys)
    assert code == 2 and printed == []
    _assert_one_error_line(err, fragment)
    assert not out.exists()


@pytest.mark.parametrize(
    ("where", "fragment"),
    [
        pytest.param("missing/run.pdf", "the folder", id="W01"),  # … does not exist
        pytest.param(".", "it is a folder; give a file name like run.pdf", id="W02"),
    ],
)
def test_report_checks_where_it_will_write_before_training(tmp_path, capsys, where, fragment):
    # No dataset at all: an error about the data would mean the output path was checked too late.
    argv = ["report", "--data-dir", str(tmp_path / "no-data"), "--out", str(tmp_path / where)]
    code, printed, err = _run(argv, capsys)
    assert code == 2 and printed == []
    _assert_one_error_line(err, "cannot write the handout to", fragment)


def test_report_refuses_a_folder_it_cannot_write_to(tmp_path, capsys, monkeypatch):
    # W03. As root every folder is writable, so the permission check is made to say no.
    folder = tmp_path / "locked"
    folder.mkdir()
    monkeypatch.setattr(cli.os, "access", lambda path, mode: not (str(path) == str(folder) and mode == cli.os.W_OK))
    argv = ["report", "--data-dir", str(tmp_path / "no-data"), "--out", str(folder / "run.pdf")]
    code, printed, err = _run(argv, capsys)
    assert code == 2 and printed == []
    _assert_one_error_line(err, "cannot write the handout to", f"the folder {folder} is not writable")


def test_report_writes_nothing_half_when_the_disk_fails(tiny_data, tmp_path, capsys, monkeypatch):
    # W04: the disk fills up at the last moment; the file already there stays whole and nothing is left beside it.
    import errno

    from catlr import report

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "run.pdf"
    out.write_bytes(b"the previous handout")
    monkeypatch.setattr(report.os, "replace", full_disk)
    argv = ["report", "--data-dir", str(tiny_data), "--iterations", "10", "--out", str(out)]
    code, printed, err = _run(argv, capsys)
    assert code == 2 and printed == []
    _assert_one_error_line(err, f"cannot write the handout to {out}: No space left on device")
    assert out.read_bytes() == b"the previous handout" and [p.name for p in out.parent.iterdir()] == ["run.pdf"]


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        pytest.param(lambda d: d / "nowhere.jpg", "No such file", id="missing-file"),
        pytest.param(lambda d: d, "not a regular file", id="a-folder"),
        pytest.param(lambda d: _write(d / "empty.jpg", b""), "empty", id="I01"),
        pytest.param(lambda d: _sparse(d / "huge.jpg", limits.MAX_PHOTO_BYTES + 1), "larger than 20 MB", id="I20"),
    ],
)
def test_predict_reports_a_bad_path_and_goes_on(tiny_data, chelsea_jpeg, tmp_path, capsys, make, fragment):
    bad = make(tmp_path)
    code, out, err = _run(["predict", str(bad), str(chelsea_jpeg), "--data-dir", str(tiny_data)], capsys)
    assert code == 1
    assert len(out) == 1 and PREDICTION_LINE.match(out[0])
    _assert_one_error_line(err, str(bad), fragment)


@pytest.mark.parametrize(
    "content",
    [pytest.param(b"", id="empty"), pytest.param(b"PK\x03\x04 not really a zip", id="not-npz")],
)
def test_predict_with_a_bad_model_file(chelsea_jpeg, tmp_path, capsys, content):
    model = tmp_path / "model.npz"
    model.write_bytes(content)
    code, out, err = _run(["predict", str(chelsea_jpeg), "--model", str(model)], capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err, "model.npz")


def test_predict_with_a_missing_model_file(chelsea_jpeg, tmp_path, capsys):
    code, out, err = _run(["predict", str(chelsea_jpeg), "--model", str(tmp_path / "none.npz")], capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err, "none.npz")


# --- the command line itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        pytest.param([], "required", id="no-command"),
        pytest.param(["fly"], "invalid choice", id="unknown-command"),
        pytest.param(["predict"], "PHOTO", id="no-photo"),
        pytest.param(["predict", "x.jpg", "--fit", "stretch"], "invalid choice", id="bad-fit"),
        pytest.param(["train", "--speed", "9"], "unrecognized arguments", id="unknown-flag"),
    ],
)
def test_usage_mistakes_give_one_line(capsys, argv, fragment):
    code, out, err = _run(argv, capsys)
    assert code == 2 and out == []
    _assert_one_error_line(err, fragment, "--help")


def test_help_exits_zero(capsys):
    code, out, err = _run(["--help"], capsys)
    assert code == 0 and any("train" in line and "predict" in line for line in out)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["download"], None, id="default"),
        pytest.param(["download", "--dest", "somewhere"], "somewhere", id="dest"),
        pytest.param(["download", "--data-dir", "elsewhere"], "elsewhere", id="data-dir"),
    ],
)
def test_download_passes_the_folder_on(monkeypatch, capsys, argv, expected):
    from catlr import download

    seen = []

    def fake_download(dest, mirrors, progress):
        seen.append((dest, mirrors))
        progress("f.h5", 5 * 10**6, 10 * 10**6)
        return Path("/the/folder")

    monkeypatch.setattr(download, "download_dataset", fake_download)
    code, out, err = _run(argv, capsys)
    assert code == 0 and seen == [(expected, download.MIRRORS)]
    assert out == ["f.h5:  50% (5.0 of 10.0 MB)", "The dataset is ready in /the/folder"] and err == []


def test_download_progress_lines():
    """A line per file at every 10 %; without a size, a line per MB."""
    lines = []
    report = cli._progress_printer()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("builtins.print", lambda text, **kwargs: lines.append(text))
        for done in (0, 10**6, 2 * 10**6, 2 * 10**6 + 1, 10**7):
            report("a.h5", done, 10**7)
        for done in (10, 10**6 - 1, 10**6, 25 * 10**5):
            report("b.h5", done, None)
    assert lines == [
        "a.h5:   0% (0.0 of 10.0 MB)",
        "a.h5:  10% (1.0 of 10.0 MB)",
        "a.h5:  20% (2.0 of 10.0 MB)",
        "a.h5: 100% (10.0 of 10.0 MB)",
        "b.h5: 0.0 MB",
        "b.h5: 1.0 MB",
        "b.h5: 2.5 MB",
    ]


def test_download_with_every_mirror_down_fails_cleanly(monkeypatch, tmp_path, capsys):
    from catlr import download

    monkeypatch.setattr(download, "MIRRORS", ("http://127.0.0.1:9/{file}",))  # port 9: refused
    code, out, err = _run(["download", "--dest", str(tmp_path / "d")], capsys)
    assert code == 1
    assert err[0].startswith("error: could not download") and not any("Traceback" in line for line in err)
    assert list((tmp_path / "d").iterdir()) == []


@pytest.mark.parametrize(
    ("error", "code", "fragment"),
    [
        pytest.param(KeyboardInterrupt(), 130, "interrupted", id="ctrl-c"),
        pytest.param(CatlrInputError("the data is\nbad"), 2, "the data is bad", id="input-error"),
        pytest.param(PermissionError(13, "Permission denied", "/x"), 2, "/x: Permission denied", id="os-error"),
        pytest.param(RuntimeError("boom"), 1, "unexpected RuntimeError: boom", id="bug"),
    ],
)
def test_every_failure_is_one_line_without_a_traceback(monkeypatch, capsys, error, code, fragment):
    def explode(args):
        raise error

    monkeypatch.setattr(cli, "_cmd_train", explode)
    got, out, err = _run(["train"], capsys)
    assert got == code and out == []
    _assert_one_error_line(err, fragment)


# ---------------------------------------------------------------------------------------------
# build-dataset: two folders of real photos → the exercise's files → train on them


def test_build_dataset_prints_the_summary_and_train_works_on_it(tmp_path, capsys):
    from photo_sets import write_folders

    cats, other = write_folders(tmp_path / "photos", 5, 6)
    (other / "notes.txt").write_text("not a photo")
    out = tmp_path / "mine"
    code, lines, err = _run(
        ["build-dataset", str(cats), str(other), "--out", str(out), "--num-px", "32", "--seed", "4",
         "--test-fraction", "0.25", "--fit", "squash"],
        capsys,
    )  # fmt: skip
    assert code == 0 and err == []
    assert lines[:5] == [
        "32×32 px, fit squash, test fraction 0.25, seed 4",
        "cats (label 1): 4 train, 1 test",  # round(5 × 0.25) = 1
        "other (label 0): 4 train, 2 test",  # round(6 × 0.25) = 2 (halves round to even)
        "left out: 1 file(s)",
        f"  {other / 'notes.txt'}: This is not a supported image: it is a text file. "
        "Use a JPEG, PNG, WebP, GIF, BMP or TIFF file.",
    ]
    assert lines[-1] == f"train on it: python -m catlr train --data-dir {out}"
    code, lines, err = _run(["train", "--data-dir", str(out), "--iterations", "200"], capsys)
    assert code == 0 and err == []
    assert lines[0] == "Cost after iteration 0: 0.693147" and lines[-1].startswith("test accuracy: ")
    from catlr.data import load_dataset

    assert load_dataset(out).classes == ("other", "cats")


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        pytest.param(["--num-px", "48"], "num_px must be one of 32, 64, 128", id="B16-num-px"),
        pytest.param(["--test-fraction", "0.9"], "test fraction must be a number in [0.05, 0.5]", id="B16-fraction"),
        pytest.param(["--seed", "x"], "seed must be a number; got 'x'", id="B16-seed"),
        pytest.param(["--class1-name", "other"], "different names", id="B16-same-names"),
    ],
)
def test_build_dataset_bad_settings_give_one_line_and_write_nothing(tmp_path, capsys, extra, fragment):
    from photo_sets import write_folders

    cats, other = write_folders(tmp_path / "photos", 2, 2)
    out = tmp_path / "mine"
    code, lines, err = _run(["build-dataset", str(cats), str(other), "--out", str(out), *extra], capsys)
    assert code == 2 and lines == []
    _assert_one_error_line(err, fragment)
    assert not out.exists()


@pytest.mark.parametrize("case", ["B10", "B11", "B17"])
def test_build_dataset_that_cannot_be_made_gives_one_line_and_keeps_nothing(tmp_path, capsys, case):
    from photo_sets import write_folders

    cats, other = write_folders(tmp_path / "photos", 3 if case != "B11" else 1, 3 if case != "B11" else 1)
    if case == "B10":
        for photo in cats.iterdir():
            photo.write_bytes(b"")
    out = tmp_path / "mine"
    if case == "B17":
        out.mkdir()
        (out / "train_catvnoncat.h5").write_bytes(b"mine")
    code, lines, err = _run(["build-dataset", str(cats), str(other), "--out", str(out)], capsys)
    assert code == 2 and lines == []
    fragment = {"B10": "the class 'cats' has no usable photos", "B11": "the test split would hold 0 image(s)",
                "B17": "already holds train_catvnoncat.h5"}[case]  # fmt: skip
    _assert_one_error_line(err, fragment)
    assert sorted(p.name for p in out.iterdir()) == ["train_catvnoncat.h5"] if case == "B17" else not out.exists()
