"""catlr.photo_dataset: real photos become a dataset through Predict's photo path; the split; rows B08–B11, B16."""

from __future__ import annotations

import numpy as np
import pytest
from photo_sets import photos, source_files

from catlr import imaging, limits
from catlr.errors import CatlrInputError
from catlr.photo_dataset import NUM_PX_CHOICES, BuildSettings, build_dataset
from catlr.photo_sources import Rejected, SourceFile


def _build(cats, others, **settings):
    return build_dataset(cats, others, class1_name="my cat", class0_name="other", settings=BuildSettings(**settings))


@pytest.fixture(scope="module")
def cats():
    return source_files("cat", 6, "cats")


@pytest.fixture(scope="module")
def others():
    return source_files("other", 10, "other")


@pytest.mark.parametrize("num_px", NUM_PX_CHOICES)
@pytest.mark.parametrize("fit", imaging.FITS)
def test_every_image_is_exactly_what_predict_would_see(cats, others, num_px, fit):
    built = _build(cats, others, num_px=num_px, fit=fit)
    by_name = {f.name: f.data for f in (*cats, *others)}
    ds = built.dataset
    for split, images, labels in (
        ("train", ds.train_set_x_orig, ds.train_set_y),
        ("test", ds.test_set_x_orig, ds.test_set_y),
    ):
        assert images.shape[1:] == (num_px, num_px, 3) and images.dtype == np.uint8
        for image, label, name in zip(images, labels[0], built.names[split], strict=True):
            # Predict's path, written out: open_photo then to_model_input (ui/session_photo.py)
            expected = imaging.to_model_input(imaging.open_photo(by_name[name], name).rgb, num_px=num_px, fit=fit)
            np.testing.assert_array_equal(image, expected)
            assert label == (1 if name.startswith("cats/") else 0)
    assert ds.classes == ("other", "my cat") and ds.num_px == num_px


def test_the_split_is_seeded_stratified_and_complete(cats, others):
    built = _build(cats, others, test_fraction=0.25, seed=7)
    s = built.summary
    assert s.counts == {("train", 0): 8, ("test", 0): 2, ("train", 1): 4, ("test", 1): 2}  # round(10/4), round(6/4)
    names = built.names["train"] + built.names["test"]
    assert sorted(names) == sorted(f.name for f in (*cats, *others)), "every photo once, in one split"
    assert not set(built.names["train"]) & set(built.names["test"])
    again = _build(cats, others, test_fraction=0.25, seed=7)
    assert again.names == built.names
    np.testing.assert_array_equal(again.dataset.train_set_x_orig, built.dataset.train_set_x_orig)
    other_seed = _build(cats, others, test_fraction=0.25, seed=8)
    assert other_seed.names != built.names
    assert built.summary.rejected == () and built.dataset.warnings == ()


def test_the_summary_lines(cats, others):
    lines = _build(cats[:3], [*others[:3], SourceFile("other/notes.txt", b"hello")]).summary.lines()
    assert lines[0] == f"64×64 px, fit {imaging.DEFAULT_FIT}, test fraction 0.2, seed 0"
    assert lines[1:4] == [
        "my cat (label 1): 2 train, 1 test",
        "other (label 0): 2 train, 1 test",
        "left out: 1 file(s)",
    ]
    assert lines[4].startswith("  other/notes.txt: This is not a supported image: it is a text file.")


def test_B08_duplicates_are_left_out_and_named(cats, others):
    copy = SourceFile("cats/copy of chelsea.jpg", cats[0].data)
    both = SourceFile("cats/coffee.jpg", others[0].data)
    built = _build([*cats, copy, both], others)
    reasons = {r.name: r.reason for r in built.summary.rejected}
    assert reasons["cats/copy of chelsea.jpg"] == f"the same file as {cats[0].name}"
    assert "in both classes" in reasons["cats/coffee.jpg"] and "in both classes" in reasons[others[0].name]
    used = built.names["train"] + built.names["test"]
    assert cats[0].name in used and others[0].name not in used and len(used) == len(cats) + len(others) - 1


def test_B09_files_that_are_not_usable_photos_are_left_out_and_the_build_goes_on(cats, others):
    half = SourceFile("cats/cut.jpg", cats[1].data[: len(cats[1].data) // 2])
    bad = [SourceFile("cats/notes.txt", b"just text\n"), SourceFile("cats/empty.png", b""), half]
    given = [Rejected("cats/link.jpg", "a symbolic link; copy the photo itself into the folder")]
    built = build_dataset([*cats[2:], *bad], others, class1_name="c", class0_name="o", rejected=given)
    reasons = {r.name: r.reason for r in built.summary.rejected}
    assert list(reasons)[0] == "cats/link.jpg", "files left out while collecting come first"
    assert reasons["cats/notes.txt"].startswith("This is not a supported image: it is a text file")
    assert reasons["cats/empty.png"] == "The file is empty."
    assert "damaged or incomplete" in reasons["cats/cut.jpg"]
    assert built.summary.counts[("train", 1)] + built.summary.counts[("test", 1)] == 4


@pytest.mark.parametrize("empty", ["B10-none", "B10-all-rejected"])
def test_B10_an_empty_class_stops_the_build(others, empty):
    cats = [] if empty == "B10-none" else [SourceFile("cats/a.txt", b"text")]
    with pytest.raises(CatlrInputError, match="the class 'my cat' has no usable photos") as caught:
        _build(cats, others)
    if empty == "B10-all-rejected":
        assert "cats/a.txt" in str(caught.value)


@pytest.mark.parametrize(
    "n_cats, n_others, split, size",
    [(1, 1, "test", 0), (1, 2, "test", 1), (2, 1, "test", 1)],
    ids=["B11-two-photos", "B11-three-photos", "B11-three-photos-other-way"],
)
def test_B11_a_split_with_fewer_than_two_images_stops_the_build(n_cats, n_others, split, size):
    cats, others = source_files("cat", n_cats, "cats"), source_files("other", n_others, "other")
    with pytest.raises(CatlrInputError, match=rf"the {split} split would hold {size} image\(s\); it needs at least 2"):
        _build(cats, others)


def test_a_class_with_one_photo_is_warned_about(others):
    built = _build(source_files("cat", 1, "cats"), others)
    assert built.dataset.warnings == (
        "every test image is of the class 'other': with one class the figures mean little",
    )


@pytest.mark.parametrize(
    "settings, match",
    [({"num_px": 48}, "num_px must be one of 32, 64, 128"), ({"num_px": 64.0}, "num_px must be one of"),
     ({"fit": "stretch"}, "fit must be one of crop, squash"),
     ({"test_fraction": 0.9}, r"test fraction must be .* \[0.05, 0.5\]"),
     ({"test_fraction": float("nan")}, "test fraction"), ({"seed": -1}, "seed must be a whole number"),
     ({"seed": 1.5}, "seed must be a whole number")],
    ids=["B16-num-px", "B16-num-px-float", "B16-fit", "B16-fraction", "B16-fraction-nan", "B16-seed", "B16-seed-float"],
)  # fmt: skip
def test_B16_bad_settings(settings, match):
    with pytest.raises(CatlrInputError, match=match):
        BuildSettings(**settings)


@pytest.mark.parametrize(
    "names, match",
    [(("", "other"), "name of class 1"), (("cat", "  "), "name of class 0"), (("Cat", "cat"), "different names"),
     (("x" * 41, "o"), "1 to 40 printable"), (("a\nb", "o"), "printable"), ((None, "o"), "name of class 1")],
    ids=["B16-empty", "B16-blank", "B16-same", "B16-long", "B16-newline", "B16-none"],
)  # fmt: skip
def test_B16_bad_class_names(names, match):
    with pytest.raises(CatlrInputError, match=match):
        build_dataset(
            source_files("cat", 2, "c"), source_files("other", 2, "o"), class1_name=names[0], class0_name=names[1]
        )


def test_B06_too_many_photos_given_directly(monkeypatch):
    monkeypatch.setattr(limits, "MAX_BUILD_PHOTOS", 3)
    with pytest.raises(CatlrInputError, match="4 photos; a dataset is built from at most 3"):
        build_dataset(source_files("cat", 2, "c"), source_files("other", 2, "o"), class1_name="a", class0_name="b")


def test_photos_are_real_and_distinct():
    # The fixtures' own check: the variants are different photos, not copies.
    cat_bytes = [d for _, d in photos("cat", 6)]
    assert len(set(cat_bytes)) == 6
