"""catlr.photo_sources: two folders or one zip of photos, and every hostile archive refused whole (section E)."""

from __future__ import annotations

import os
import zipfile

import pytest
from photo_sets import SYMLINK_MODE, good_zip, photos, write_folders, zip_bytes, zip_with

from catlr import limits
from catlr.errors import CatlrInputError
from catlr.photo_sources import read_folders, read_zip


def test_two_folders_are_read_in_name_order(tmp_path):
    cats, other = write_folders(tmp_path, 3, 4)
    got = read_folders(cats, other)
    assert got.folders == (str(cats), str(other))
    assert [f.name for f in got.files[0]] == sorted(str(p) for p in cats.iterdir())
    assert [f.data for f in got.files[1]] == [p.read_bytes() for p in sorted(other.iterdir())]
    assert got.rejected == ()


@pytest.mark.parametrize("root", ["", "holiday/"])
def test_a_zip_of_two_folders_optionally_inside_one_top_folder(root):
    got = read_zip(good_zip(2, 3, root=root), "photos.zip")
    assert got.folders == ("cats", "other")
    assert [f.name for f in got.files[0]] == sorted(f"{root}cats/{n}" for n, _ in photos("cat", 2))
    assert [f.data for f in got.files[1]] == [d for _, d in sorted(photos("other", 3))]


def test_B02_a_symbolic_link_in_a_folder_is_left_out_and_named(tmp_path):
    cats, other = write_folders(tmp_path, 2, 2)
    os.symlink("/etc/passwd", cats / "passwd.jpg")
    (cats / "sub").mkdir()
    got = read_folders(cats, other)
    reasons = {r.name: r.reason for r in got.rejected}
    assert "symbolic link" in reasons[str(cats / "passwd.jpg")]
    assert "a folder" in reasons[str(cats / "sub")]
    assert len(got.files[0]) == 2 and all(b"root:" not in f.data for f in got.files[0])


def test_B15_hidden_and_system_files_are_left_out_and_named(tmp_path):
    cats, other = write_folders(tmp_path, 2, 2)
    (other / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    assert [r.name for r in read_folders(cats, other).rejected] == [str(other / ".DS_Store")]
    z = zip_bytes({**{f"cats/{n}": d for n, d in photos("cat", 2)}, "other/a.jpg": photos("other", 1)[0][1],
                   "__MACOSX/cats/._a.jpg": b"junk", "other/.DS_Store": b"junk", "readme.txt": b"hi"})  # fmt: skip
    got = read_zip(z, "photos.zip")
    reasons = {r.name: r.reason for r in got.rejected}
    assert reasons == {
        "__MACOSX/cats/._a.jpg": "a hidden or system file",
        "other/.DS_Store": "a hidden or system file",
        "readme.txt": "not inside a class folder",
    }
    assert got.folders == ("cats", "other")


def _refused(data: bytes, *fragments: str) -> None:
    with pytest.raises(CatlrInputError) as caught:
        read_zip(data, "photos.zip")
    message = str(caught.value)
    assert message.startswith("photos.zip"), message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize(
    "entry", ["../evil.jpg", "cats/../../evil.jpg", "/etc/cron.d/evil.jpg", "C:/evil.jpg", "cats\\..\\..\\x.jpg"],
    ids=["B01-parent", "B01-deep", "B01-absolute", "B01-drive", "B01-backslash"],
)  # fmt: skip
def test_B01_a_path_leaving_the_archive_refuses_the_whole_zip(entry):
    _refused(zip_with(entry, photos("cat", 1)[0][1]), entry, "points outside the archive", "was not used")


def test_B02_a_symbolic_link_in_a_zip_refuses_the_whole_zip():
    _refused(zip_with("cats/link.jpg", b"/etc/passwd", attr=SYMLINK_MODE), "cats/link.jpg", "symbolic link")


def test_B03_an_entry_expanding_far_beyond_its_size_is_a_zip_bomb():
    bomb = zip_with("cats/bomb.jpg", b"\0" * (4 * limits.ZIP_RATIO_FLOOR_BYTES), deflate=True)
    _refused(bomb, "cats/bomb.jpg", "zip bomb")


def test_B03_a_small_entry_that_compresses_well_is_fine():
    blank = zip_with("cats/blank.bmp", b"\0" * (limits.ZIP_RATIO_FLOOR_BYTES // 2), deflate=True)
    assert "cats/blank.bmp" in [f.name for f in read_zip(blank).files[0]]


def test_B04_a_zip_inside_the_zip_is_refused():
    _refused(zip_with("cats/more.jpg", good_zip(1, 1)), "cats/more.jpg", "nested")


def test_B05_too_many_entries(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_ENTRIES", 10)
    _refused(good_zip(6, 6), "lists 12 entries", "at most 10")


@pytest.mark.parametrize("source", ["folder", "zip"])
def test_B06_too_many_photos(monkeypatch, tmp_path, source):
    monkeypatch.setattr(limits, "MAX_BUILD_PHOTOS", 5)
    with pytest.raises(CatlrInputError, match="more than 5 photos"):
        if source == "zip":
            read_zip(good_zip(3, 3))
        else:
            read_folders(*write_folders(tmp_path, 3, 3))


@pytest.mark.parametrize("source", ["folder", "zip-declared", "zip-file"])
def test_B07_too_many_bytes(monkeypatch, tmp_path, source):
    data = good_zip(3, 3)
    monkeypatch.setattr(limits, "MAX_BUILD_BYTES", len(data) - 100 if source == "zip-file" else 100_000)
    with pytest.raises(CatlrInputError, match="MB"):
        if source == "folder":
            read_folders(*write_folders(tmp_path, 3, 3))
        else:
            read_zip(data)


@pytest.mark.parametrize(
    "data", [b"", b"not a zip at all", good_zip(1, 1)[:-30]], ids=["B12-empty", "B12-text", "B12-cut"]
)
def test_B12_not_a_zip_or_a_damaged_one(data):
    _refused(data, "not a .zip file")


def test_B12_a_damaged_entry_is_left_out_and_named():
    data = bytearray(good_zip(2, 2))
    name, photo = photos("cat", 1)[0]
    at = bytes(data).index(photo[1000:1040])
    data[at : at + 40] = bytes(40)  # stored bytes changed: the CRC no longer matches
    got = read_zip(bytes(data))
    assert [(r.name, "damaged" in r.reason) for r in got.rejected] == [(f"cats/{name}", True)]


@pytest.mark.parametrize(
    "entries, found",
    [({"cats/a.jpg": b"x"}, "found 1 (cats)"),
     ({"a/x.jpg": b"x", "b/x.jpg": b"x", "c/x.jpg": b"x"}, "found 3 (a, b, c)"),
     ({"a.jpg": b"x", "b.jpg": b"x"}, "found 0 (none)")],
    ids=["B13-one", "B13-three", "B13-loose"],
)  # fmt: skip
def test_B13_a_zip_must_hold_two_class_folders(entries, found):
    _refused(zip_bytes(entries), "two folders", found)


def test_B14_an_encrypted_entry_refuses_the_whole_zip():
    _refused(zip_with("cats/secret.jpg", b"\1" * 100, flags=0x1), "cats/secret.jpg", "encrypted")


def test_the_same_folder_twice_and_a_missing_folder(tmp_path):
    cats, _ = write_folders(tmp_path, 1, 1)
    with pytest.raises(CatlrInputError, match="given for both classes"):
        read_folders(cats, tmp_path / "cats" / ".." / "cats")
    with pytest.raises(CatlrInputError, match="no such folder"):
        read_folders(cats, tmp_path / "missing")


def test_entries_are_never_read_past_their_declared_size():
    # The central directory says cats/a.jpg holds 100 bytes; its data holds 5,000. The reader stops at the
    # declared size, the CRC check fails, and the entry is left out instead of growing without bound.
    data = bytearray(zip_bytes({"cats/a.jpg": b"A" * 5000, "other/b.jpg": b"B" * 10}, zipfile.ZIP_DEFLATED))
    record = bytes(data).index(b"PK\x01\x02")  # the first central-directory record: cats/a.jpg
    data[record + 24 : record + 28] = (100).to_bytes(4, "little")
    got = read_zip(bytes(data))
    assert got.files[0] == () and [r.name for r in got.rejected] == ["cats/a.jpg"]
    assert "damaged" in got.rejected[0].reason
