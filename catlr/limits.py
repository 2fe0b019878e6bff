"""Every limit catlr enforces, in one place.

The app's widgets and the server's upload cap mirror these values, but they are enforced here,
in the core, so a query string, a script or the CLI cannot get past them.
"""

# Hyper-parameters.
MIN_LEARNING_RATE = 1e-6
MAX_LEARNING_RATE = 10.0
MAX_ITERATIONS = 20_000
MAX_L2 = 100.0
# Work budget: iterations x training examples. 10,000 iterations on the 209-image set is 2.09e6.
MAX_ITERATION_EXAMPLES = 5_000_000

# Photos.
MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # a 24-megapixel phone photo fits; a decompression bomb does not
MAX_ASPECT_RATIO = 50.0
MAX_PHOTO_FRAMES = 1_000  # pages of a TIFF (only the first is used; counting more costs time)

# HDF5 dataset files.
MAX_H5_BYTES = 200 * 1024 * 1024
MAX_IMAGES = 5_000  # per split
MAX_NUM_PX = 256
MAX_CLASS_NAME_CHARS = 40

# Model files.
MAX_MODEL_BYTES = 20 * 1024 * 1024

# Fast engine.
GRAM_MAX_EXAMPLES = 3_000  # "auto" uses the Gram form up to this many training images (G is m x m float64)
MAX_HISTORY_VALUES = 25_000_000  # (iterations + 1) x (train + test images) x rates logits kept as float32: 100 MB
MAX_SWEEP_RATES = 16

# Reading an HDF5 file that is not one of the two known dataset files (catlr.sandbox).
SANDBOX_MEMORY_BYTES = 1024 * 1024 * 1024  # address space the child may add on top of its interpreter
SANDBOX_CPU_SECONDS = 20
SANDBOX_TIMEOUT_SECONDS = 20.0  # wall clock, start-up included
# A file declaring more than H5_MAX_EXPANSION times its own size (and over the floor) is a compression bomb.
H5_MAX_EXPANSION = 50
H5_EXPANSION_FLOOR_BYTES = 16 * 1024 * 1024
# Chunks per dataset: each costs ~10 µs to read, so a file of a million one-byte chunks is refused before
# it occupies a reader for seconds (h5py's automatic chunking gives a few thousand for 5,000 images).
H5_MAX_CHUNKS = 100_000

# Datasets built from photos (catlr.photo_sources, catlr.photo_dataset): the same caps for the app and the CLI.
MAX_BUILD_PHOTOS = 1_000  # photos in both classes together (decoding one takes up to ~0.1 s)
MAX_BUILD_BYTES = 200 * 1024 * 1024  # all photos together, uncompressed; also the largest .zip accepted
MAX_ZIP_ENTRIES = 2_000  # files and folders listed in a .zip
ZIP_MAX_RATIO = 100  # an entry expanding more than this many times its stored size is a zip bomb ...
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024  # ... once it expands past this (a small blank PNG compresses well)
MIN_TEST_FRACTION = 0.05
MAX_TEST_FRACTION = 0.5
MIN_SPLIT_IMAGES = 2  # each split needs at least this many images

# Teaching the model with the user's own photos (Predict).
MAX_TAUGHT_PHOTOS = 50

# Rooms (catlr.rooms): a code of ROOM_CODE_LENGTH characters from catlr.room_inputs' 29 is one of 29**6 ≈ 5.9e8.
ROOM_CODE_LENGTH = 6
ROOM_TTL_SECONDS = 4 * 3600  # a room ends this long after it was opened
MAX_ROOMS = 500  # open rooms per in-process store (a Redis store is bounded by its own memory)
MAX_ROOM_MEMBERS = 1_000
MAX_ROOM_QUESTIONS = 200  # questions asked in one room (the round history is bounded by it)
MAX_NICKNAME_CHARS = 24
MAX_PUBLIC_URL_CHARS = 200
# Per session, over a sliding minute: enough for a person, too few to enumerate codes or flood votes.
JOIN_ATTEMPTS_PER_MINUTE = 10
VOTE_ATTEMPTS_PER_MINUTE = 30
# The photo wall: each photo is kept as its checked 64 x 64 x 3 pixels (12,288 bytes), so a room holds < 1 MB.
MAX_MEMBER_PHOTOS = 3  # photos one member may send (rejected ones count: no resending until one gets through)
MAX_ROOM_PHOTOS = 60  # photos a room holds at once, waiting or on the wall (rejected ones are dropped)
PHOTO_ATTEMPTS_PER_MINUTE = 6
