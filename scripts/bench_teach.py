"""Teaching one photo: how long the model takes to learn it (prints figures; not a test).

    CATLR_DATA_DIR=/work/shared/data .venv/bin/python scripts/bench_teach.py [--repeats 7]

On the exercise's data, adding one 64 × 64 photo to the 209 training images: the Gram matrices rebuilt
from scratch (``problem.from_dataset`` on the grown dataset) against grown by one row and column
(``problem.add_examples``), then the 2000-iteration retrain at learning rate 0.005. Medians of the repeats.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from skimage import data as skdata

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catlr import engine, imaging, problem  # noqa: E402
from catlr.config import TrainConfig  # noqa: E402
from catlr.data import flatten, load_dataset, with_train_images  # noqa: E402
from catlr.runtime import configure_process  # noqa: E402


def median_seconds(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    configure_process(server=False)
    dataset = load_dataset()
    base = problem.from_dataset(dataset)
    photo = imaging.to_model_input(skdata.chelsea(), num_px=dataset.num_px)[None]  # (1, 64, 64, 3)
    label = np.array([1])
    grown_dataset = with_train_images(dataset, photo, label)

    rebuild = median_seconds(lambda: problem.from_dataset(grown_dataset), repeats)
    grow = median_seconds(lambda: problem.add_examples(base, flatten(photo), label.reshape(1, 1)), repeats)
    grown = problem.add_examples(base, flatten(photo), label.reshape(1, 1))
    train = median_seconds(lambda: engine.train(grown, TrainConfig()), repeats)
    print(f"exercise's data + 1 photo: {grown.m_train} training images of {grown.n_features:,} features")
    print(f"G and K rebuilt from scratch:      {1000 * rebuild:7.1f} ms")
    print(f"G and K grown by one row/column:   {1000 * grow:7.1f} ms  ({rebuild / grow:.0f}× less)")
    print(f"retrain, 2000 iterations lr 0.005: {1000 * train:7.1f} ms")
    print(f"photo taught (grow + retrain):     {1000 * (grow + train):7.1f} ms  (median of {repeats})")


if __name__ == "__main__":
    main()
