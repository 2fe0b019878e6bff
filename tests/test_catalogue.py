"""docs/bad-inputs.md and the test suite name the same bad inputs.

Every ID in a table of the catalogue (outside its "Not covered yet" section) must be mentioned by some
test file, and every catalogue ID a test file mentions must have a row in a table; IDs are unique.
Only IDs are compared, never test names: tests may be renamed or moved as long as they keep naming
their row (in a test name, a pytest id, a fixture key or a comment).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = REPO_ROOT / "docs" / "bad-inputs.md"
TESTS_DIR = REPO_ROOT / "tests"
NOT_COVERED = "Not covered yet"
THIS_FILE = Path(__file__).resolve().relative_to(TESTS_DIR)  # not searched: its comments quote example IDs

# The catalogue's section letters: H HDF5 files, I photos, N training parameters and numerics,
# S server and sessions, R rooms. A new section needs its letter here (and a row format check catches a
# table row that uses another one). Restricting the letters keeps hex escapes (b"\x00"), ruff
# codes (N802, UP032) and the like from being read as IDs.
SECTION_LETTERS = "HINRS"
ID_TEXT = rf"[{SECTION_LETTERS}]\d{{2}}"
# An ID as a word of its own; "_" and "-" separate words, so test_S03_S08_... and "I02-html" count.
ID_IN_SOURCE = re.compile(rf"(?<![A-Za-z0-9]){ID_TEXT}(?![A-Za-z0-9])")
# Test functions may spell the ID in lower case (test_n05_l2_divergence); only their names are
# searched for lower-case IDs, part by part.
TEST_NAME = re.compile(r"^\s*(?:async\s+)?def\s+(test\w*)", re.MULTILINE)
LOWER_ID_PART = re.compile(ID_TEXT.lower())


def read_catalogue(path: Path | None = None) -> tuple[list[str], list[str], list[str]]:
    """(covered IDs, not-covered IDs, malformed rows) from the tables of the catalogue, in order.

    A table row's first cell must be exactly one ID; the header ("ID") and separator rows are skipped.
    Rows in tables under the "Not covered yet" heading are not covered; all others are.
    ``path`` defaults to :data:`CATALOGUE`.
    """
    path = CATALOGUE if path is None else path
    covered: list[str] = []
    not_covered: list[str] = []
    malformed: list[str] = []
    heading = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
            continue
        if not stripped.startswith("|"):
            continue
        first = stripped.strip("|").split("|")[0].strip()
        if first == "ID" or re.fullmatch(r":?-{3,}:?", first):
            continue
        if not re.fullmatch(ID_TEXT, first):
            malformed.append(f"line {number}: {first!r}")
            continue
        (not_covered if heading.startswith(NOT_COVERED) else covered).append(first)
    return covered, not_covered, malformed


def ids_in_tests(tests_dir: Path | None = None) -> dict[str, set[str]]:
    """Catalogue-style ID -> the test files that mention it; ``tests_dir`` defaults to :data:`TESTS_DIR`."""
    tests_dir = TESTS_DIR if tests_dir is None else tests_dir
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(tests_dir.rglob("*.py")):
        if path.relative_to(tests_dir) == THIS_FILE:
            continue
        source = path.read_text(encoding="utf-8")
        where = path.relative_to(tests_dir.parent).as_posix()
        ids = set(ID_IN_SOURCE.findall(source))
        for name in TEST_NAME.findall(source):
            ids.update(part.upper() for part in name.split("_") if LOWER_ID_PART.fullmatch(part))
        for found_id in ids:
            found[found_id].add(where)
    return dict(found)


def test_the_catalogue_has_rows_and_the_tests_name_some():
    covered, _, _ = read_catalogue()
    assert covered, f"no table rows found in {CATALOGUE}"
    assert ids_in_tests(), f"no catalogue IDs found in {TESTS_DIR}"


def test_every_table_row_starts_with_one_id():
    _, _, malformed = read_catalogue()
    assert not malformed, (
        f"table rows of {CATALOGUE.name} whose first cell is not one ID "
        f"({ID_TEXT}; one row per ID, no ranges): {malformed}"
    )


def test_ids_are_unique():
    covered, not_covered, _ = read_catalogue()
    repeated = sorted(i for i, n in Counter(covered + not_covered).items() if n > 1)
    assert not repeated, f"IDs listed more than once in {CATALOGUE.name}: {repeated}"


def test_every_catalogued_id_is_named_by_a_test():
    covered, _, _ = read_catalogue()
    untested = [i for i in covered if i not in ids_in_tests()]
    assert not untested, (
        f"rows of {CATALOGUE.name} that no test file mentions: {untested}; "
        f"name the ID in the test that covers it, or move the row to '{NOT_COVERED}'"
    )


def test_every_id_the_tests_name_is_catalogued():
    covered, not_covered, _ = read_catalogue()
    mentioned = ids_in_tests()
    unknown = {i: sorted(files) for i, files in sorted(mentioned.items()) if i not in covered + not_covered}
    assert not unknown, f"IDs the tests mention that have no row in {CATALOGUE.name}: {unknown}"
    tested_but_listed_as_not = {i: sorted(mentioned[i]) for i in not_covered if i in mentioned}
    assert not tested_but_listed_as_not, (
        f"IDs under '{NOT_COVERED}' that tests mention: {tested_but_listed_as_not}; move their rows to their section"
    )


TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)")


def test_every_test_the_catalogue_names_exists():
    """A row's "test(s)" cell names ``tests/file.py::test_name``: the file must define that test."""
    missing = []
    for path, name in TEST_REFERENCE.findall(CATALOGUE.read_text(encoding="utf-8")):
        file = REPO_ROOT / path
        if not file.is_file() or not re.search(rf"^\s*(?:async\s+)?def {name}\(", file.read_text(), re.MULTILINE):
            missing.append(f"{path}::{name}")
    assert missing == []
