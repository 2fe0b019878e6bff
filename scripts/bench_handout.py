"""How long the handout of the default model takes to make, and how large it is (prints figures; not a test).

    .venv/bin/python scripts/bench_handout.py [--data-dir DIR] [--repeat 5]

Trains the default model (2000 iterations, learning rate 0.005) and the exercise's learning-rate
comparison, then times the import of catlr.report (matplotlib) and ``report.handout`` ``repeat`` times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catlr import data, engine, problem  # noqa: E402
from catlr.config import COMPARISON_ITERATIONS, COMPARISON_RATES, TrainConfig  # noqa: E402
from catlr.runtime import configure_process  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder with the two .h5 files (default: the usual lookup)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    configure_process(server=False)
    ds = data.load_dataset(args.data_dir)
    prepared = problem.from_dataset(ds)
    result = engine.train(prepared, TrainConfig())
    compared = engine.sweep(prepared, COMPARISON_RATES, COMPARISON_ITERATIONS)
    start = time.perf_counter()
    from catlr import report

    imported = time.perf_counter() - start
    times = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        pdf = report.handout(ds, result, compared)
        times.append(time.perf_counter() - start)
    print(f"import catlr.report (matplotlib): {imported:.2f} s")
    print(
        f"handout of the default model: first {times[0]:.2f} s, median {statistics.median(times):.2f} s "
        f"of {len(times)}; {len(pdf):,} bytes"
    )


if __name__ == "__main__":
    main()
