"""The one exception type that crosses catlr's validation boundaries."""


class CatlrInputError(ValueError):
    """Bad input from a person or a file: the message says what is wrong and what to do.

    Every validation boundary in catlr (dataset files, photos, hyper-parameters, model files)
    raises this type and no other for bad input, so callers (the CLI, the app) can show
    ``str(error)`` as it is and never a traceback.
    """


class TrainingDiverged(CatlrInputError):
    """The weights or the cost became non-finite during training: the learning rate is too high."""
