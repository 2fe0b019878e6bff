"""Crop or squash? Measure both fits on the real photos at hand (prints figures; not a test).

    CATLR_DATA_DIR=/work/shared/data .venv/bin/python scripts/measure_fit.py

The model is the exercise's: 2000 iterations at learning rate 0.005 on the real training set. Every photo
goes through Predict's path (catlr.imaging.open_photo, then to_model_input with each fit at 64 × 64) and is
scored. The photos are every photograph scikit-image ships (none was used to develop catlr's fit):
``chelsea`` is the only cat (``skimage.data.cat()`` is the same picture, so it is counted once); the others
are photographs of things that are not cats. Grey photographs are included as non-cats: the exercise's
non-cat class is "anything else", and the photo path turns grey into RGB as it does on Predict. Synthetic
images (colour wheel, logo, checkerboard, phantom, blobs, horse silhouette) are left out: they are
drawings, not photos. One more photograph is on any machine with catlr's requirements: matplotlib's sample
portrait of Grace Hopper (a person, so a non-cat), from catlr's test requirements. A square photo gives the
same input with either fit, so only the non-square ones can tell the fits apart; the script says which is which.

Decision rule: the fit with more right answers wins; on a tie, the lower mean cross-entropy (how
confident it was in the right answer) decides.
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import numpy as np
from matplotlib import cbook
from PIL import Image
from skimage import data as skdata

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catlr import engine, imaging, problem  # noqa: E402
from catlr.config import TrainConfig  # noqa: E402
from catlr.data import flatten, load_dataset  # noqa: E402
from catlr.runtime import configure_process  # noqa: E402

CATS = ("chelsea",)
NOT_CATS = (
    "astronaut", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina", "motorcycle",
    "camera", "moon", "coins", "clock", "page", "text", "brick", "grass", "gravel", "cell", "grace_hopper",
)  # fmt: skip


def photo_bytes(name: str) -> bytes:
    """The photo as PNG bytes, as a user would upload it."""
    if name == "grace_hopper":  # the one photograph outside scikit-image: matplotlib's sample portrait
        return cbook.get_sample_data("grace_hopper.jpg").read()
    rgb = skdata.stereo_motorcycle()[0] if name == "motorcycle" else getattr(skdata, name)()
    out = io.BytesIO()
    Image.fromarray(np.asarray(rgb)).save(out, "PNG")
    return out.getvalue()


def main() -> None:
    configure_process(server=False)
    dataset = load_dataset()
    result = engine.train(problem.from_dataset(dataset), TrainConfig(num_iterations=2000, learning_rate=0.005))
    print(f"model: 2000 iterations, lr 0.005; train {result.train_accuracy:.2f} %, test {result.test_accuracy:.2f} %")
    rows, totals = [], {fit: [0, 0.0] for fit in imaging.FITS}
    for name in CATS + NOT_CATS:
        label = 1 if name in CATS else 0
        photo = imaging.open_photo(photo_bytes(name), name)
        w, h = photo.size
        probs = {}
        for fit in imaging.FITS:
            x = flatten(imaging.to_model_input(photo.rgb, num_px=dataset.num_px, fit=fit)[None])
            p = float(engine.predict_proba(result.w, result.b, x)[0])
            probs[fit] = p
            totals[fit][0] += int((p > 0.5) == bool(label))
            totals[fit][1] += -math.log(max(p if label else 1 - p, 1e-12))
        rows.append((name, label, f"{w}×{h}", "square" if w == h else f"{max(w, h) / min(w, h):.2f}:1", probs))
    print(f"\n{'photo':22} {'truth':7} {'size':10} {'aspect':7} {'P(cat) crop':>12} {'P(cat) squash':>14}")
    for name, label, size, aspect, probs in rows:
        marks = {f: "✓" if (probs[f] > 0.5) == bool(label) else "✗" for f in imaging.FITS}
        print(
            f"{name:22} {'cat' if label else 'non-cat':7} {size:10} {aspect:7} "
            f"{probs['crop']:10.4f} {marks['crop']} {probs['squash']:12.4f} {marks['squash']}"
        )
    n = len(rows)
    non_square = [r for r in rows if r[3] != "square"]
    print(f"\n{n} photos ({len(CATS)} cat, {len(NOT_CATS)} non-cats); {len(non_square)} are not square")
    for fit in imaging.FITS:
        right, loss = totals[fit]
        print(f"{fit:7}: {right}/{n} right ({100 * right / n:.1f} %), mean cross-entropy {loss / n:.3f}")
    ns = {f: sum((r[4][f] > 0.5) == bool(r[1]) for r in non_square) for f in imaging.FITS}
    print(f"non-square photos only: crop {ns['crop']}/{len(non_square)}, squash {ns['squash']}/{len(non_square)}")
    best = max(imaging.FITS, key=lambda f: (totals[f][0], -totals[f][1]))
    print(f"measures better: {best} (catlr's default: {imaging.DEFAULT_FIT})")


if __name__ == "__main__":
    main()
