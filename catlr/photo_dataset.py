"""A dataset built from a person's own photos: two classes of photo bytes → a :class:`~catlr.data.Dataset`.

Every photo takes the same path as a photo on Predict (:func:`catlr.imaging.load_photo`: upright, crop or
squash, ``num_px``), so the model sees home-made training images exactly as it will see a photo later.
The split is seeded and stratified: each class gives about ``test_fraction`` of its photos to the test split.
A photo that cannot be used (not an image, damaged, a duplicate) is left out and named in the
:class:`Summary`; a build that cannot make a usable dataset (an empty class, a split with fewer than
``limits.MIN_SPLIT_IMAGES`` images) raises :class:`~catlr.errors.CatlrInputError` and returns nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from catlr import imaging, limits
from catlr.data import Dataset
from catlr.errors import CatlrInputError
from catlr.photo_sources import Rejected, SourceFile

NUM_PX_CHOICES = (32, 64, 128)
SPLITS = ("train", "test")


@dataclass(frozen=True)
class BuildSettings:
    """How photos become a dataset; validated on creation.

    Attributes:
        num_px: side of the square images, one of ``NUM_PX_CHOICES``.
        fit: "crop" or "squash" (see :func:`catlr.imaging.to_model_input`).
        test_fraction: share of each class held out for testing, in [MIN_TEST_FRACTION, MAX_TEST_FRACTION].
        seed: the split's random seed, a whole number ≥ 0.
    """

    num_px: int = 64
    fit: str = imaging.DEFAULT_FIT
    test_fraction: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.num_px, bool) or not isinstance(self.num_px, int) or self.num_px not in NUM_PX_CHOICES:
            raise CatlrInputError(f"num_px must be one of {', '.join(map(str, NUM_PX_CHOICES))}; got {self.num_px!r}")
        imaging.check_size(self.num_px, self.fit)
        low, high = limits.MIN_TEST_FRACTION, limits.MAX_TEST_FRACTION
        f = self.test_fraction
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not low <= f <= high:
            raise CatlrInputError(f"the test fraction must be a number in [{low:g}, {high:g}]; got {f!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**32:
            raise CatlrInputError(f"the seed must be a whole number from 0 to {2**32 - 1:,}; got {self.seed!r}")


@dataclass(frozen=True)
class Summary:
    """What a build made: images per class and split, and every file left out with its reason.

    ``counts[(split, label)]`` is the number of images of class ``label`` (0 or 1) in ``split``.
    """

    classes: tuple[str, str]
    counts: dict
    rejected: tuple[Rejected, ...]
    settings: BuildSettings

    def lines(self) -> list[str]:
        """The summary as lines of plain text (the CLI prints them; the app shows the same figures)."""
        s = self.settings
        out = [f"{s.num_px}×{s.num_px} px, fit {s.fit}, test fraction {s.test_fraction:g}, seed {s.seed}"]
        for label in (1, 0):
            train, test = self.counts[("train", label)], self.counts[("test", label)]
            out.append(f"{self.classes[label]} (label {label}): {train} train, {test} test")
        out.append(f"left out: {len(self.rejected)} file(s)")
        out += [f"  {r.name}: {r.reason}" for r in self.rejected]
        return out


@dataclass(frozen=True, eq=False)
class Built:
    """A built dataset with its summary; ``names[split][i]`` is the file that image ``i`` came from."""

    dataset: Dataset
    summary: Summary
    names: dict


def check_class_names(class1_name: object, class0_name: object) -> tuple[str, str]:
    """The two class names as ``(class 0, class 1)``: trimmed, printable, 1–MAX_CLASS_NAME_CHARS long, distinct."""
    names = []
    for which, raw in (("class 0", class0_name), ("class 1", class1_name)):
        text = raw.strip() if isinstance(raw, str) else ""
        if not text or not text.isprintable() or len(text) > limits.MAX_CLASS_NAME_CHARS:
            raise CatlrInputError(
                f"the name of {which} must be 1 to {limits.MAX_CLASS_NAME_CHARS} printable characters; got {raw!r}"
            )
        names.append(text)
    if names[0].casefold() == names[1].casefold():
        raise CatlrInputError(f"the two classes need different names; both are {names[0]!r}")
    return names[0], names[1]


def _without_duplicates(classes: Sequence[Sequence[SourceFile]]) -> tuple[list[list[SourceFile]], list[Rejected]]:
    """Each distinct file once: a repeat in its own class is left out; a file in both classes is left out twice."""
    seen: dict[str, list[tuple[int, SourceFile]]] = {}
    for label, files in enumerate(classes):
        for f in files:
            seen.setdefault(hashlib.sha256(f.data).hexdigest(), []).append((label, f))
    kept: list[list[SourceFile]] = [[], []]
    rejected = []
    for copies in seen.values():
        if len({label for label, _ in copies}) > 1:
            where = ", ".join(f.name for _, f in copies)
            rejected += [Rejected(f.name, f"the same photo is in both classes ({where}); left out") for _, f in copies]
            continue
        label, first = copies[0]
        kept[label].append(first)
        rejected += [Rejected(f.name, f"the same file as {first.name}") for _, f in copies[1:]]
    return kept, rejected


def _decode(files: Sequence[SourceFile], settings: BuildSettings) -> tuple[list[np.ndarray], list[str], list]:
    images, names, rejected = [], [], []
    for f in files:
        try:  # messages start with the name given; a short fixed one is cut off again (long names get shortened)
            images.append(imaging.load_photo(f.data, num_px=settings.num_px, fit=settings.fit, name="photo"))
        except CatlrInputError as error:
            text = str(error)
            rejected.append(Rejected(f.name, text.removeprefix("photo: ")))
        else:
            names.append(f.name)
    return images, names, rejected


def _split(counts: Sequence[int], settings: BuildSettings) -> list[dict[str, np.ndarray]]:
    """Per class, the indices of its images in each split (stratified; each class in both splits if it can)."""
    rng = np.random.default_rng(settings.seed)
    out = []
    for n in counts:
        order = rng.permutation(n)
        n_test = int(np.clip(round(n * settings.test_fraction), 1, n - 1)) if n >= 2 else 0
        out.append({"test": np.sort(order[:n_test]), "train": np.sort(order[n_test:])})
    return out


def _check_usable(counts: list[int], picks: list[dict], names: tuple[str, str], rejected: list[Rejected]) -> None:
    for label in (1, 0):
        if counts[label] == 0:
            first = rejected[0] if rejected else None
            why = f" ({len(rejected)} file(s) were left out, e.g. {first.name}: {first.reason})" if first else ""
            raise CatlrInputError(f"the class '{names[label]}' has no usable photos{why}; add photos of it")
    for split in SPLITS:
        size = sum(len(p[split]) for p in picks)
        if size < limits.MIN_SPLIT_IMAGES:
            raise CatlrInputError(
                f"the {split} split would hold {size} image(s); it needs at least {limits.MIN_SPLIT_IMAGES}: "
                f"add photos (there are {sum(counts)} usable ones) or change the test fraction"
            )


def build_dataset(
    class1: Sequence[SourceFile],
    class0: Sequence[SourceFile],
    *,
    class1_name: str,
    class0_name: str,
    settings: BuildSettings | None = None,
    rejected: Sequence[Rejected] = (),
    source: str = "your photos",
) -> Built:
    """Build a dataset from the photos of class 1 (e.g. cats) and class 0.

    Args:
        class1, class0: the files of each class, in a stable order (it decides the split with the seed).
        class1_name, class0_name: the class names (stored in ``list_classes`` on export).
        settings: size, fit, test fraction and seed (default :class:`BuildSettings`).
        rejected: files already left out while collecting (they are listed in the summary first).
    Returns:
        :class:`Built`; images (m, num_px, num_px, 3) uint8, labels (1, m) int64, in a seeded shuffled order.
    Raises:
        CatlrInputError: bad settings or names, too many photos, an empty class, a split with too few images.
    """
    settings = settings or BuildSettings()
    classes = check_class_names(class1_name, class0_name)
    total = len(class1) + len(class0)
    if total > limits.MAX_BUILD_PHOTOS:
        raise CatlrInputError(f"{total:,} photos; a dataset is built from at most {limits.MAX_BUILD_PHOTOS:,}")
    if sum(len(f.data) for f in (*class1, *class0)) > limits.MAX_BUILD_BYTES:
        raise CatlrInputError(f"the photos add up to more than {limits.MAX_BUILD_BYTES // 2**20} MB; use fewer")
    kept, left_out = _without_duplicates((class0, class1))
    left_out = list(rejected) + left_out
    decoded = []
    for label in (0, 1):
        images, names, bad = _decode(kept[label], settings)
        decoded.append((images, names))
        left_out += bad
    counts = [len(images) for images, _ in decoded]
    picks = _split(counts, settings)
    _check_usable(counts, picks, classes, left_out)
    dataset, names, tally = _assemble(decoded, picks, classes, settings, source)
    return Built(dataset, Summary(classes, tally, tuple(left_out), settings), names)


def _assemble(decoded: list, picks: list[dict], classes: tuple[str, str], settings: BuildSettings, source: str):
    """(Dataset, names per split, counts per (split, label)): each split's images in a seeded shuffled order."""
    rng = np.random.default_rng([settings.seed, 1])
    arrays, names_by_split, tally = {}, {}, {}
    for split in SPLITS:
        rows = [(label, i) for label in (0, 1) for i in picks[label][split]]
        rows = [rows[j] for j in rng.permutation(len(rows))]
        arrays[split] = (
            np.stack([decoded[label][0][i] for label, i in rows]),
            np.array([[label for label, _ in rows]], dtype=np.int64),
        )
        names_by_split[split] = tuple(decoded[label][1][i] for label, i in rows)
        tally.update({(split, label): int(len(picks[label][split])) for label in (0, 1)})
    one_class = [
        f"every {split} image is of the class '{classes[1 - label]}': with one class the figures mean little"
        for split in SPLITS
        for label in (0, 1)
        if tally[(split, label)] == 0
    ]
    dataset = Dataset(
        train_set_x_orig=arrays["train"][0],
        train_set_y=arrays["train"][1],
        test_set_x_orig=arrays["test"][0],
        test_set_y=arrays["test"][1],
        classes=classes,
        num_px=settings.num_px,
        source=source,
        warnings=tuple(one_class),
    )
    return dataset, names_by_split, tally
