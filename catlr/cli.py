"""The command line: ``python -m catlr {train, report, predict, download, build-dataset}``.

Bad input of any kind (a setting, a photo, a dataset or model file, a path) ends in one line
``error: …`` on stderr and exit code 2, never a traceback; Ctrl-C exits with 130. ``predict`` keeps
going past a bad photo (one ``error:`` line for it) and exits 1 if any photo failed; ``download`` exits 1
when every mirror failed. This is the only module of catlr that prints (with the benchmark, a CLI too).
Set ``CATLR_DEBUG=1`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable, Sequence

from catlr import imaging, limits
from catlr.config import COMPARISON_ITERATIONS, COMPARISON_RATES, TrainConfig
from catlr.errors import CatlrInputError
from catlr.runtime import configure_process

EXIT_OK, EXIT_PHOTO_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_DOWNLOAD_FAILED = 1


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one CatlrInputError line instead of usage + exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CatlrInputError(f"{message} (see `{self.prog} --help`)")


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        text = f"{error.filename}: {error.strerror}" if error.filename is not None else error.strerror
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())


def _number(text: str, name: str) -> float | int:
    """A command-line number; the range is TrainConfig's to check."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise CatlrInputError(f"{name} must be a number; got {text!r}") from None


def _load_dataset(data_dir: str | None):
    from catlr.data import load_dataset

    dataset = load_dataset(data_dir)
    for warning in dataset.warnings:
        print(f"warning: {' '.join(str(warning).split())}", file=sys.stderr)
    return dataset


def _fit(dataset, config: TrainConfig):
    """Train on the dataset's training split (test split as the test set); returns (TrainResult, Problem)."""
    from catlr import engine, problem

    config.check_budget(dataset.train_set_x_orig.shape[0])
    prepared = problem.from_dataset(dataset)
    return engine.train(prepared, config), prepared


def _config(args: argparse.Namespace) -> TrainConfig:
    """The settings of the flags added by :func:`_add_settings`, validated by TrainConfig."""
    return TrainConfig(
        num_iterations=_number(args.iterations, "iterations"),
        learning_rate=_number(args.learning_rate, "learning rate"),
        l2=_number(args.l2, "L2 penalty"),
    )


def _check_out_path(path: str, doing: str = "save the model to", example: str = "model.npz") -> None:
    """Refuse an output path whose folder is missing or not writable, or that is a folder, before any work."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise CatlrInputError(f"cannot {doing} {path}: it is a folder; give a file name like {example}")
    if not os.path.isdir(folder):
        raise CatlrInputError(f"cannot {doing} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise CatlrInputError(f"cannot {doing} {path}: the folder {folder} is not writable")


def _cmd_train(args: argparse.Namespace) -> int:
    from catlr.exercise import accuracy, accuracy_line, cost_line, predict

    config = _config(args)
    if args.save:
        _check_out_path(args.save)  # before training, not after
    dataset = _load_dataset(args.data_dir)
    result, prepared = _fit(dataset, config)
    X_train, X_test = prepared.X_train, prepared.X_test
    # The exercise's model(..., print_cost=True) output, line for line (model() has no L2 and returns
    # no TrainResult to save, so the same engine run is printed here the way model() prints it).
    for i, cost in zip(range(0, config.num_iterations, 100), result.exercise_costs(), strict=True):
        print(cost_line(i, cost))
    print(accuracy_line("train", accuracy(predict(result.w, result.b, X_train), dataset.train_set_y)))
    print(accuracy_line("test", accuracy(predict(result.w, result.b, X_test), dataset.test_set_y)))
    if args.save:
        from catlr.persistence import SavedModel, save_model

        try:
            save_model(args.save, SavedModel.from_result(result, dataset.num_px))
        except OSError as error:
            raise CatlrInputError(f"cannot save the model to {args.save}: {error.strerror or error}") from error
        print(f"saved the model to {args.save}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from catlr import engine, report

    config = _config(args)
    doing = "write the handout to"
    _check_out_path(args.out, doing, "run.pdf")  # before training, not after
    dataset = _load_dataset(args.data_dir)
    result, prepared = _fit(dataset, config)
    try:
        comparison = engine.sweep(prepared, COMPARISON_RATES, COMPARISON_ITERATIONS)
    except CatlrInputError as error:  # e.g. over the work budget on a large dataset: the page says why
        comparison = str(error)
    data = report.handout(dataset, result, comparison)
    try:
        report.save(args.out, data)
    except OSError as error:
        raise CatlrInputError(f"cannot {doing} {args.out}: {error.strerror or error}") from error
    print(f"wrote the handout to {args.out} ({len(data):,} bytes)")
    return EXIT_OK


def _read_photo(path: str) -> bytes:
    """The bytes of a regular file no larger than the photo cap (checked before reading it all)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise CatlrInputError("not a regular file")
    cap = limits.MAX_PHOTO_BYTES
    with open(path, "rb") as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise CatlrInputError(f"the file is larger than {cap // (1024 * 1024)} MB")
    return data


def _cmd_predict(args: argparse.Namespace) -> int:
    from catlr.data import flatten
    from catlr.engine import predict_proba
    from catlr.imaging import load_photo

    if args.model:
        from catlr.persistence import load_model

        saved = load_model(args.model)
        w, b, num_px, classes = saved.w, saved.b, saved.num_px, ("non-cat", "cat")
    else:
        dataset = _load_dataset(args.data_dir)
        result, _ = _fit(dataset, TrainConfig())
        w, b, num_px, classes = result.w, result.b, dataset.num_px, tuple(dataset.classes)
    failed = 0
    for path in args.photos:
        try:
            image = load_photo(_read_photo(path), num_px=num_px, fit=args.fit, name=path)
            p = float(predict_proba(w, b, flatten(image[None]))[0])  # image (n, n, 3) → X (d, 1)
        except (CatlrInputError, OSError) as error:
            failed += 1
            message = _one_line(error)
            prefix = "" if message.startswith(f"{path}:") else f"{path}: "  # imaging names the file itself
            print(f"error: {prefix}{message}", file=sys.stderr)
            continue
        print(f"{path}  P({classes[1]})={p:.4f}  {classes[1] if p > 0.5 else classes[0]}", flush=True)
    return EXIT_PHOTO_FAILED if failed else EXIT_OK


def _cmd_build_dataset(args: argparse.Namespace) -> int:
    from catlr import dataset_export, photo_dataset, photo_sources

    settings = photo_dataset.BuildSettings(
        num_px=_number(args.num_px, "num_px"),
        fit=args.fit,
        test_fraction=_number(args.test_fraction, "test fraction"),
        seed=_number(args.seed, "seed"),
    )
    collected = photo_sources.read_folders(args.class1_dir, args.class0_dir)
    built = photo_dataset.build_dataset(
        *collected.files,
        class1_name=args.class1_name or os.path.basename(os.path.normpath(args.class1_dir)),
        class0_name=args.class0_name or os.path.basename(os.path.normpath(args.class0_dir)),
        settings=settings,
        rejected=collected.rejected,
        source=f"{args.class1_dir} and {args.class0_dir}",
    )
    written = dataset_export.write_folder(built.dataset, args.out, built.names)
    for line in built.summary.lines():
        print(line)
    for warning in built.dataset.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {', '.join(str(p) for p in written)}")
    print(f"train on it: python -m catlr train --data-dir {args.out}")
    return EXIT_OK


def _progress_printer() -> Callable[[str, int, int | None], None]:
    """A download progress callback printing a line per file at every 10 % (every MB if the size is unknown)."""
    shown: dict[str, int] = {}

    def report(name: str, done: int, total: int | None) -> None:
        if total:
            step = 100 * done // total // 10 * 10
            if shown.get(name) != step:
                shown[name] = step
                print(f"{name}: {step:3d}% ({done / 1e6:.1f} of {total / 1e6:.1f} MB)", flush=True)
        elif done // 10**6 != shown.get(name):
            shown[name] = done // 10**6
            print(f"{name}: {done / 1e6:.1f} MB", flush=True)

    return report


def _cmd_download(args: argparse.Namespace) -> int:
    from catlr import download

    try:
        folder = download.download_dataset(args.dest, mirrors=download.MIRRORS, progress=_progress_printer())
    except CatlrInputError as error:
        # Not bad input: every mirror failed. The message lists each mirror on its own line, so it is
        # printed whole rather than joined into one line by main().
        print(f"error: {error}", file=sys.stderr)
        return EXIT_DOWNLOAD_FAILED
    print(f"The dataset is ready in {folder}")
    return EXIT_OK


DATA_HELP = "folder with the two .h5 files (default: CATLR_DATA_DIR, then the usual folders)"
FIT_OPTION = {
    "choices": imaging.FITS,
    "default": imaging.DEFAULT_FIT,
    "help": f"crop to a centred square, or squash the whole photo (default {imaging.DEFAULT_FIT})",
}


def _add_settings(parser: argparse.ArgumentParser) -> None:
    """The data folder and training settings shared by ``train`` and ``report`` (read by :func:`_config`)."""
    parser.add_argument("--data-dir", help=DATA_HELP)
    parser.add_argument("--iterations", default="2000", help="gradient-descent steps (default 2000)")
    parser.add_argument("--learning-rate", default="0.005", help="step size (default 0.005)")
    parser.add_argument("--l2", default="0", help="L2 penalty λ (default 0, the exercise)")


def _add_build_dataset(commands) -> None:
    """The ``build-dataset`` subcommand."""
    build = commands.add_parser(
        "build-dataset",
        help="make a dataset from two folders of photos",
        description="Build the exercise's two .h5 files (and images.zip) from a folder of photos per class; "
        "a file that is not a usable photo is skipped and named with its reason.",
    )
    build.add_argument("class1_dir", metavar="CLASS1_DIR", help="photos of class 1 (the 'cat' side)")
    build.add_argument("class0_dir", metavar="CLASS0_DIR", help="photos of class 0 (the 'non-cat' side)")
    build.add_argument("--out", required=True, metavar="DIR", help="folder for the dataset (created if missing)")
    build.add_argument("--num-px", default="64", help="image side: 32, 64 or 128 (default 64)")
    build.add_argument("--fit", **FIT_OPTION)
    build.add_argument("--test-fraction", default="0.2", help="share of each class held out for testing")
    build.add_argument("--seed", default="0", help="seed of the train/test split (default 0)")
    build.add_argument("--class1-name", help="name of class 1 (default: its folder's name)")
    build.add_argument("--class0-name", help="name of class 0 (default: its folder's name)")
    build.set_defaults(run=_cmd_build_dataset)


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m catlr`` argument parser."""
    parser = _Parser(prog="python -m catlr", description="A from-scratch logistic-regression cat classifier.")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="{train,report,predict,download,build-dataset}"
    )
    train = commands.add_parser(
        "train", help="train and print the exercise's cost lines and accuracies", description="Train from zeros."
    )
    _add_settings(train)
    train.add_argument("--save", metavar="MODEL.npz", help="save the trained model here")
    train.set_defaults(run=_cmd_train)

    report = commands.add_parser(
        "report",
        help="train and write a PDF handout of the run",
        description="Train from zeros and write a handout: settings, curves, yardsticks, mistakes, weights and "
        "the exercise's learning-rate comparison.",
    )
    _add_settings(report)
    report.add_argument("--out", required=True, metavar="RUN.pdf", help="where to write the handout")
    report.set_defaults(run=_cmd_report)

    predict = commands.add_parser(
        "predict",
        help="P(cat) for each photo",
        description="Print P(cat) for each photo; without --model, trains the default model first.",
    )
    predict.add_argument("photos", nargs="+", metavar="PHOTO")
    predict.add_argument("--model", metavar="MODEL.npz", help="a model saved by `train --save`")
    predict.add_argument("--fit", **FIT_OPTION)
    predict.add_argument("--data-dir", help=DATA_HELP)
    predict.set_defaults(run=_cmd_predict)

    download = commands.add_parser(
        "download", help="fetch and verify the dataset", description="Download the dataset and verify its checksums."
    )
    download.add_argument("--dest", "--data-dir", dest="dest", metavar="DIR", help="where to put the files")
    download.set_defaults(run=_cmd_download)

    _add_build_dataset(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 a photo or the download failed, 2 bad input, 130 Ctrl-C)."""
    try:
        args = build_parser().parse_args(argv)
        configure_process(server=False)
        return args.run(args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else int(done.code is not None)
    except (CatlrInputError, OSError) as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # a bug: still one line, unless debugging
        if os.environ.get("CATLR_DEBUG") == "1":
            raise
        message = f"unexpected {type(error).__name__}: {_one_line(error)} (CATLR_DEBUG=1 shows more)"
        print(f"error: {message}", file=sys.stderr)
        return 1
