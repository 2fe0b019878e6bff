"""catlr.imaging: photos in, (num_px, num_px, 3) uint8 out; every bad photo a CatlrInputError.

Bad-input rows I01-I28 of docs/bad-inputs.md (section A) are parametrized by their ID;
I28 is a UI row and lives with the app tests. Every image is built in memory (tests/photo_fixtures.py)
or comes from scikit-image's bundled photos.
"""

from __future__ import annotations

import io
import threading
import warnings

import numpy as np
import photo_fixtures as pf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import EpsImagePlugin, Image, ImageFile, UnidentifiedImageError

from catlr import imaging, limits, photo_errors, photo_format
from catlr.errors import CatlrInputError
from catlr.imaging import Photo, load_photo, open_photo, to_model_input

REJECTED = [k for k, v in pf.HOSTILE_EXPECTED.items() if v is not None]
ACCEPTED = [k for k, v in pf.HOSTILE_EXPECTED.items() if v is None]


def _row(key: str) -> str:
    return key.split("-")[0]


def _is(rgb: np.ndarray, colour: tuple[int, int, int], tol: int = 40) -> bool:
    """Every pixel of ``rgb`` (..., 3) within ``tol`` of ``colour``."""
    return bool(np.all(np.abs(rgb.astype(int) - np.array(colour)) <= tol))


# --- the catalogue: rejections --------------------------------------------------------------------


@pytest.mark.parametrize("key", [pytest.param(k, id=k) for k in REJECTED])
def test_bad_photo_is_rejected_with_a_clear_message(key):
    name = f"holiday {key}.jpg"
    with pytest.raises(CatlrInputError, match=pf.HOSTILE_EXPECTED[key]) as caught:
        open_photo(pf.hostile_photo(key), name=name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    for raw in ("PIL", "BytesIO", "cannot identify", "Errno", "decoder error", "Traceback"):
        assert raw not in message


@pytest.mark.parametrize("key", [pytest.param(k, id=k) for k in ("I01", "I04", "I07", "I21-psd", "I25")])
def test_load_photo_raises_the_same_errors(key):
    with pytest.raises(CatlrInputError, match=pf.HOSTILE_EXPECTED[key]):
        load_photo(pf.hostile_photo(key), name="x.jpg")


@pytest.mark.parametrize("key", [pytest.param(k, id=k) for k in ("I06", "I06-48mp", "I07")])
def test_pixel_cap_is_checked_from_the_header_before_decoding(key, monkeypatch):
    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    data = pf.hostile_photo(key)
    assert len(data) < 200_000  # a small file: the danger is the decoded size
    with pytest.raises(CatlrInputError, match=r"too large"):
        open_photo(data)


def test_I06_48mp_is_between_our_cap_and_pillows_own_warning():
    # Proves the fixture tests catlr's cap, not Pillow's: Pillow alone would happily open it.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        width, height = Image.open(io.BytesIO(pf.hostile_photo("I06-48mp"))).size
    assert limits.MAX_PHOTO_PIXELS < width * height < Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize(
    "key", [pytest.param(k, id=k) for k in ("I09", "I09-binary", "I21-tga", "I21-psd", "I21-fits", "I21-ico",
                                           "I21-ppm", "I21-qoi", "I21-jpeg2000")]
)  # fmt: skip
def test_allow_list_alone_rejects_other_formats(key, monkeypatch):
    """Even without the magic-byte sniff, formats= keeps every other plugin (and Ghostscript) away."""
    data = pf.hostile_photo(key)
    Image.open(io.BytesIO(data)).close()  # the fixture is a real file of that format: Pillow knows it

    def ghostscript(*args, **kwargs):
        raise AssertionError("Ghostscript was started")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", ghostscript)
    monkeypatch.setattr(photo_format, "sniff", lambda data, name: None)
    with pytest.raises(CatlrInputError, match=r"not a supported image \(JPEG, PNG, WebP, GIF, BMP or TIFF\)"):
        open_photo(data, name="a.jpg")


def test_I20_byte_cap_comes_before_any_decoding(monkeypatch):
    def no_opening(*args, **kwargs):
        raise AssertionError("Pillow was asked to open the file")

    monkeypatch.setattr(Image, "open", no_opening)
    with pytest.raises(CatlrInputError, match=r"larger than 20 MB \(it is 20\.1 MB\)"):
        open_photo(pf.hostile_photo("I20"))


def test_file_exactly_at_the_byte_cap_is_not_refused_for_its_size():
    data = b"\xff\xd8\xff\xe0" + bytes(limits.MAX_PHOTO_BYTES - 4)
    with pytest.raises(CatlrInputError) as caught:
        open_photo(data)
    assert "larger than" not in str(caught.value)


def test_I18_a_thin_but_allowed_strip_is_accepted():
    data = pf.encode(Image.new("RGB", (2, 2 * int(limits.MAX_ASPECT_RATIO)), pf.RED), "PNG")
    out = load_photo(data)
    assert out.shape == (64, 64, 3) and _is(out, pf.RED, tol=0)


def test_I23_I24_fixtures_make_pillow_raise_what_the_catalogue_says():
    for key, error in (("I23-syntaxerror", SyntaxError), ("I24", TypeError)):
        img = Image.open(io.BytesIO(pf.hostile_photo(key)))
        img.load()  # the first page is fine
        with pytest.raises(error):
            _ = img.n_frames
    with pytest.raises(OSError):
        Image.open(io.BytesIO(pf.hostile_photo("I23")), formats=["AVIF"]).load()


@pytest.mark.parametrize(
    "data, pattern",
    [
        pytest.param(pf.jpeg_stray_bytes(), r"This JPEG image could not be decoded", id="jpeg-stray-bytes"),
        pytest.param(pf.jpeg_comment_flood(), r"This JPEG image could not be decoded", id="jpeg-segment-flood"),
        pytest.param(pf.png_chunk_flood(), r"This PNG image could not be decoded", id="png-chunk-flood"),
        pytest.param(pf.tiff_many_pages(1001), r"more than 1,000 pages", id="tiff-page-flood"),
    ],
)
def test_structure_floods_are_refused_before_pillow_parses_them(data, pattern, monkeypatch):
    """Pillow walks these structures in Python; 20 MB of them would cost it seconds of CPU."""
    Image.open(io.BytesIO(data)).close()  # Pillow itself would take the file on

    def no_opening(*args, **kwargs):
        raise AssertionError("Pillow was asked to open the file")

    monkeypatch.setattr(Image, "open", no_opening)
    with pytest.raises(CatlrInputError, match=pattern):
        open_photo(data)


def test_tiff_with_the_most_pages_allowed_is_accepted():
    photo = open_photo(pf.tiff_many_pages(limits.MAX_PHOTO_FRAMES))
    assert photo.n_frames == limits.MAX_PHOTO_FRAMES and _is(photo.rgb, (128, 128, 128), tol=0)


def test_I25_message_is_exact():
    with pytest.raises(CatlrInputError) as caught:
        open_photo(pf.hostile_photo("I25"), name="IMG_0001.HEIC")
    assert str(caught.value) == "IMG_0001.HEIC: HEIC is not supported — export the photo as JPEG."


@pytest.mark.parametrize(
    "data, pattern",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(40), r"damaged or incomplete", id="png-signature-only"),
        pytest.param(pf.encode(Image.new("RGB", (4, 4)), "PDF"), r"it is a PDF document", id="pdf"),
        pytest.param(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", r"a video", id="mp4"),
        pytest.param(b"\x89HDF\r\n\x1a\n" + bytes(100), r"an HDF5 file", id="hdf5"),
        pytest.param("<svg>é</svg>".encode("utf-16"), r"an SVG drawing", id="svg-utf16"),
    ],
)
def test_other_inputs_get_specific_messages(data, pattern):
    with pytest.raises(CatlrInputError, match=pattern):
        open_photo(data)


def test_message_names_the_file_on_one_short_line():
    with pytest.raises(CatlrInputError) as caught:
        open_photo(b"", name="evil\nname<img src=x>" + "a" * 300)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("evil?name<img src=x>")
    assert len(message.split(": ")[0]) <= 80


@pytest.mark.parametrize("data", [pytest.param("a string", id="str"), pytest.param(None, id="none")])
def test_non_bytes_input_is_an_input_error(data):
    with pytest.raises(CatlrInputError, match=r"Expected the file's bytes"):
        open_photo(data)


# --- the catalogue: accepted, with the right pixels ------------------------------------------------


@pytest.mark.parametrize("key", [pytest.param(k, id=k) for k in ACCEPTED])
def test_odd_but_valid_photo_becomes_model_input(key):
    out = load_photo(pf.hostile_photo(key), name=f"{key}.jpg")
    assert out.shape == (64, 64, 3) and out.dtype == np.uint8


@pytest.mark.parametrize(
    "orientation, corner, shape, note",
    [
        pytest.param(6, (slice(0, 10), slice(-10, None)), (90, 60, 3), "rotated 90° clockwise", id="I10-6"),
        pytest.param(8, (slice(-10, None), slice(0, 10)), (90, 60, 3), "rotated 90° counter-clockwise", id="I10-8"),
        pytest.param(3, (slice(-10, None), slice(-10, None)), (60, 90, 3), "rotated 180°", id="I10-3"),
        pytest.param(1, (slice(0, 10), slice(0, 10)), (60, 90, 3), None, id="I10-1"),
    ],
)
def test_I10_exif_orientation_moves_the_red_corner(orientation, corner, shape, note):
    photo = open_photo(pf.oriented_jpeg(orientation))  # stored 90x60, red at its top-left
    assert photo.rgb.shape == shape
    assert photo.size == (shape[1], shape[0])
    assert _is(photo.rgb[corner], pf.RED)
    others = [photo.rgb[:10, :10], photo.rgb[:10, -10:], photo.rgb[-10:, :10], photo.rgb[-10:, -10:]]
    assert sum(_is(c, pf.RED) for c in others) == 1
    assert photo.notes == ((f"EXIF orientation applied ({note}).",) if note else ())


def test_I10_real_photo_with_orientation_tag_is_upright_in_the_model_input():
    cat = pf.real_photo("chelsea").copy()  # (300, 451, 3)
    cat[:60, :60] = pf.RED
    data = pf.oriented_jpeg(6, Image.fromarray(cat))
    photo = open_photo(data, name="IMG_1234.jpg")
    assert photo.rgb.shape == (451, 300, 3)
    assert _is(photo.rgb[5:50, -50:-5], pf.RED)
    out = load_photo(data, fit="squash")
    assert _is(out[1:6, -8:-1], pf.RED) and not _is(out[1:6, 1:8], pf.RED)


def test_I11_corrupt_exif_is_accepted_and_orientation_ignored():
    photo = open_photo(pf.hostile_photo("I11"))
    assert photo.rgb.shape == (60, 90, 3)  # not rotated
    assert _is(photo.rgb[:10, :10], pf.RED)
    assert photo.notes == ("The photo's EXIF data is damaged; its orientation was ignored.",)


def test_I12_transparent_red_becomes_white():
    photo = open_photo(pf.hostile_photo("I12"))
    assert np.all(photo.rgb[:, :20] == 255)
    assert _is(photo.rgb[:, 20:], pf.BLUE, tol=0)
    assert photo.notes == ("Transparent areas were filled with white.",)
    assert not np.any((photo.rgb[..., 0] > 200) & (photo.rgb[..., 1] < 100))


def test_I12_half_transparent_black_is_mid_grey():
    data = pf.encode(Image.new("RGBA", (8, 8), (0, 0, 0, 128)), "PNG")
    assert _is(open_photo(data).rgb, (127, 127, 127), tol=1)


def test_I13_transparent_palette_index_becomes_white():
    photo = open_photo(pf.hostile_photo("I13"))
    assert np.all(photo.rgb[:, :20] == 255)
    assert _is(photo.rgb[:, 20:], pf.GREEN, tol=0)
    assert "Transparent areas were filled with white." in photo.notes


def test_opaque_rgba_has_no_transparency_note():
    data = pf.encode(Image.new("RGBA", (8, 8), (10, 20, 30, 255)), "PNG")
    photo = open_photo(data)
    assert photo.notes == () and _is(photo.rgb, (10, 20, 30), tol=0)


@pytest.mark.parametrize(
    "mode, fmt, value, expected",
    [
        pytest.param("L", "PNG", 100, (100, 100, 100), id="I14-L"),
        pytest.param("LA", "PNG", (100, 255), (100, 100, 100), id="I14-LA"),
        pytest.param("1", "PNG", 1, (255, 255, 255), id="I14-1"),
        pytest.param("CMYK", "JPEG", (0, 255, 255, 0), (255, 0, 0), id="I14-CMYK-jpeg"),
        pytest.param("CMYK", "TIFF", (0, 255, 255, 0), (255, 0, 0), id="I14-CMYK-tiff"),
        pytest.param("YCbCr", "TIFF", (76, 85, 255), (254, 0, 0), id="I14-YCbCr"),
        pytest.param("I", "TIFF", 40_000, (156, 156, 156), id="I14-I-16bit-range"),
        pytest.param("I", "TIFF", 200, (200, 200, 200), id="I14-I-8bit-range"),
        pytest.param("I;16", "PNG", 40_000, (156, 156, 156), id="I14-I16"),
        pytest.param("F", "TIFF", 0.5, (128, 128, 128), id="I14-F"),
        pytest.param("P", "GIF", 3, None, id="I14-P"),
    ],
)
def test_I14_every_mode_becomes_rgb_uint8(mode, fmt, value, expected):
    img = Image.new(mode, (20, 12), value)
    if mode == "P":
        img.putpalette([0, 0, 0] * 3 + [0, 0, 255] + [0, 0, 0] * 252)
        expected = pf.BLUE
    data = pf.encode(img, fmt)
    assert Image.open(io.BytesIO(data)).mode == ("P" if mode == "P" else mode)  # stored in that mode
    photo = open_photo(data)
    assert photo.rgb.shape == (12, 20, 3) and photo.rgb.dtype == np.uint8
    assert _is(photo.rgb, expected, tol=2)
    out = load_photo(data)
    assert out.shape == (64, 64, 3) and out.dtype == np.uint8


def test_I14_signed_wide_integers_are_stretched():
    arr = np.tile(np.linspace(-100_000, 100_000, 32).astype(np.int32), (4, 1))
    rgb = open_photo(pf.encode(Image.fromarray(arr), "TIFF")).rgb
    assert rgb[0, 0, 0] == 0 and rgb[0, -1, 0] == 255 and np.all(np.diff(rgb[0, :, 0].astype(int)) > 0)


def test_I15_16_bit_gradient_stays_a_gradient():
    rgb = open_photo(pf.hostile_photo("I15")).rgb  # (16, 256, 3), ramp 0..65535 left to right
    row = rgb[0, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255
    assert np.all(np.diff(row) >= 0) and len(np.unique(row)) >= 250
    assert np.array_equal(rgb[..., 0], rgb[..., 2])


def test_I16_float_with_nan_inf_and_huge_values_is_finite_uint8():
    rgb = open_photo(pf.hostile_photo("I16")).rgb  # ramp 0..1, NaN at (0,0), inf at (0,1), 1e30 at (-1,-1)
    assert rgb.dtype == np.uint8
    assert rgb[0, 0, 0] == 0 and rgb[0, 1, 0] == 255 and rgb[-1, -1, 0] == 255
    assert rgb[5, :, 0].max() == 0  # 1e30 sets the top of the stretch


def test_I16_float_unit_ramp_with_nan_keeps_its_ramp():
    rgb = open_photo(pf.hostile_photo("I16-unit")).rgb
    assert rgb[0, 0, 0] == 0  # NaN
    row = rgb[5, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255 and np.all(np.diff(row) > 0)


@pytest.mark.parametrize("kind", [pytest.param(k, id=f"I17-{k}") for k in ("gif", "webp", "apng")])
def test_I17_animation_uses_the_first_frame_and_says_so(kind):
    photo = open_photo(pf.hostile_photo(f"I17-{kind}"))
    assert _is(photo.rgb, pf.RED, tol=3)
    assert photo.n_frames == 3
    assert photo.notes == ("Animated image: the first of 3 frames is used.",)


def test_multi_page_tiff_uses_the_first_page():
    pages = [Image.new("RGB", (8, 6), c) for c in (pf.GREEN, pf.BLUE)]
    photo = open_photo(pf.encode(pages[0], "TIFF", save_all=True, append_images=pages[1:]))
    assert _is(photo.rgb, pf.GREEN, tol=0) and photo.n_frames == 2
    assert photo.notes == ("Multi-page TIFF: the first of 2 pages is used.",)


def test_mpo_phone_jpeg_uses_the_main_picture_without_an_animation_note():
    photo = open_photo(pf.mpo_photo())
    assert photo.format == "MPO" and photo.n_frames == 2 and photo.notes == ()
    assert photo.rgb.shape == (60, 90, 3) and _is(photo.rgb[:10, :10], pf.RED)


def test_I19_decoded_by_content_not_by_name():
    photo = open_photo(pf.hostile_photo("I19"), name="cat.jpg")
    assert photo.format == "PNG"
    assert np.array_equal(photo.rgb, pf.real_photo("chelsea"))  # PNG is lossless


def test_I22_24_megapixel_jpeg_is_drafted_not_decoded_in_full():
    # JPEG's draft mode decodes at 1/2, 1/4 or 1/8 scale: the speed that makes this row pass (its time is
    # a benchmark figure, not asserted here).
    data = pf.hostile_photo("I22")
    assert load_photo(data).shape == (64, 64, 3)
    photo = open_photo(data)
    assert photo.size == (6000, 4000)
    assert min(photo.rgb.shape[:2]) >= imaging.PREVIEW_MIN_SIDE and photo.rgb.shape[0] < 4000  # drafted


def test_draft_keeps_enough_pixels_for_large_num_px():
    photo = open_photo(pf.hostile_photo("I22"), min_side=4 * 256)
    assert min(photo.rgb.shape[:2]) >= 1024
    assert load_photo(pf.hostile_photo("I22"), num_px=256).shape == (256, 256, 3)


# --- property tests (I26, I27) ----------------------------------------------------------------------


def _small_valid_files() -> list[bytes]:
    base = Image.fromarray(pf.real_photo("chelsea")).resize((24, 16))
    files = [pf.encode(base, fmt) for fmt in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")]
    files.append(pf.animated("GIF"))
    files.append(pf.oriented_jpeg(6, base))
    return files


_SMALL_FILES = _small_valid_files()


@st.composite
def _mutated_image(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(_SMALL_FILES)))
    for _ in range(draw(st.integers(0, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


@pytest.mark.parametrize("strategy", [pytest.param("bytes", id="I26-random"), pytest.param("mutated", id="I26")])
def test_I26_any_small_bytes_give_an_input_error_or_model_input(strategy):
    chosen = st.binary(max_size=4096) if strategy == "bytes" else _mutated_image().filter(lambda d: len(d) <= 4096)

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(chosen)
    def check(data):
        try:
            out = load_photo(data, name="fuzz.bin")
        except CatlrInputError as error:
            assert str(error).startswith("fuzz.bin: ")
        else:
            assert out.shape == (64, 64, 3) and out.dtype == np.uint8

    check()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    combo=st.sampled_from(pf.MODE_FORMATS),
    width=st.integers(1, 40),
    height=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    fit=st.sampled_from(imaging.FITS),
)
def test_I27_any_small_image_in_any_mode_and_format_becomes_model_input(combo, width, height, seed, fit):
    mode, fmt = combo
    data = pf.encode(pf.random_image(mode, (width, height), seed), fmt)
    out = load_photo(data, fit=fit)
    assert out.shape == (64, 64, 3) and out.dtype == np.uint8


# --- real photos, crop and squash ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("photo_name", pf.REAL_PHOTOS)
def test_real_photos_round_trip_to_model_input(photo_name, fmt):
    original = pf.real_photo(photo_name)
    photo = open_photo(pf.real_photo_bytes(photo_name, fmt), name=f"{photo_name}.{fmt.lower()}")
    assert photo.format == fmt and photo.size == (original.shape[1], original.shape[0])
    assert photo.rgb.shape == original.shape and photo.notes == ()
    error = np.abs(photo.rgb.astype(int) - original).mean()
    assert error == 0 if fmt == "PNG" else error < 6
    for fit in imaging.FITS:
        out = load_photo(pf.real_photo_bytes(photo_name, fmt), fit=fit)
        assert out.shape == (64, 64, 3) and out.dtype == np.uint8


def test_squash_is_exactly_the_exercise_preprocessing():
    data = pf.real_photo_bytes("chelsea", "JPEG")
    exercise = np.array(Image.open(io.BytesIO(data)).resize((64, 64)))  # the course's own line
    assert np.array_equal(load_photo(data, fit="squash"), exercise)


def test_crop_is_the_centre_square_resized():
    cat = pf.real_photo("chelsea")  # (300, 451, 3): the centre square is columns 75..374
    expected = np.array(Image.fromarray(cat).crop((75, 0, 375, 300)).resize((64, 64), Image.Resampling.BICUBIC))
    assert np.array_equal(to_model_input(cat, 64, "crop"), expected)


@pytest.mark.parametrize("photo_name", ["chelsea", "coffee", "rocket"])
def test_crop_and_squash_differ_for_non_square_photos(photo_name):
    rgb = pf.real_photo(photo_name)
    assert rgb.shape[0] != rgb.shape[1]
    crop, squash = to_model_input(rgb, fit="crop"), to_model_input(rgb, fit="squash")
    assert np.abs(crop.astype(int) - squash).mean() > 5


def test_crop_and_squash_agree_for_a_square_photo():
    rgb = pf.real_photo("astronaut")
    assert rgb.shape[:2] == (512, 512)
    assert np.array_equal(to_model_input(rgb, fit="crop"), to_model_input(rgb, fit="squash"))


@pytest.mark.parametrize("num_px", [1, 32, 64, 256])
def test_num_px_sets_the_output_side(num_px):
    assert load_photo(pf.real_photo_bytes("coffee"), num_px=num_px).shape == (num_px, num_px, 3)


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        pytest.param({"fit": "stretch"}, r"fit must be one of crop, squash", id="fit"),
        pytest.param({"num_px": 0}, r"num_px must be between 1 and 256", id="num_px-0"),
        pytest.param({"num_px": 257}, r"num_px must be between 1 and 256", id="num_px-257"),
        pytest.param({"num_px": 2.5}, r"num_px must be a whole number", id="num_px-float"),
        pytest.param({"num_px": True}, r"num_px must be a whole number", id="num_px-bool"),
    ],
)
def test_bad_settings_are_input_errors(kwargs, pattern):
    with pytest.raises(CatlrInputError, match=pattern):
        to_model_input(np.zeros((8, 8, 3), np.uint8), **kwargs)
    with pytest.raises(CatlrInputError, match=pattern):
        load_photo(pf.real_photo_bytes("coffee"), **kwargs)


@pytest.mark.parametrize(
    "rgb",
    [
        pytest.param(np.zeros((8, 8, 3), np.float64), id="float"),
        pytest.param(np.zeros((8, 8), np.uint8), id="2d"),
        pytest.param(np.zeros((8, 8, 4), np.uint8), id="rgba"),
        pytest.param(np.zeros((0, 8, 3), np.uint8), id="empty"),
        pytest.param([[[0, 0, 0]]], id="list"),
    ],
)
def test_to_model_input_rejects_what_is_not_an_rgb_uint8_image(rgb):
    with pytest.raises(CatlrInputError):
        to_model_input(rgb)


# --- contract details ----------------------------------------------------------------------------------


def test_photo_is_frozen_and_its_pixels_read_only():
    photo = open_photo(pf.real_photo_bytes("coffee"))
    assert isinstance(photo, Photo)
    with pytest.raises(AttributeError):
        photo.format = "PNG"
    with pytest.raises(ValueError):
        photo.rgb[0, 0, 0] = 1


def test_supported_extensions_map_to_supported_formats():
    registered = Image.registered_extensions()
    assert {registered[f".{ext}"] for ext in imaging.SUPPORTED_EXTENSIONS} == set(imaging._OPENERS)
    assert set(imaging._OPENERS) <= set(imaging.SUPPORTED_FORMATS)
    with pytest.raises(UnidentifiedImageError):  # the allow-list really excludes other plugins
        Image.open(io.BytesIO(pf.hostile_photo("I21-tga")), formats=list(imaging._OPENERS))


def test_the_formats_named_in_messages_are_the_formats_opened():
    named = photo_errors.SUPPORTED_FORMATS_TEXT.upper().replace(" OR ", ", ").split(", ")
    assert named == list(imaging._OPENERS)


def test_pillow_global_state_is_left_alone():
    filters, cap = list(warnings.filters), Image.MAX_IMAGE_PIXELS
    for key in ("I07", "I04", "I19"):
        try:
            open_photo(pf.hostile_photo(key))
        except CatlrInputError:
            pass
    assert warnings.filters == filters and Image.MAX_IMAGE_PIXELS == cap
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_refuses_to_run_if_truncated_images_were_switched_on(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        open_photo(pf.hostile_photo("I04"))


def test_concurrent_decodes_succeed_and_restore_warning_filters():
    filters = list(warnings.filters)
    jobs = [pf.real_photo_bytes("coffee"), pf.hostile_photo("I07"), pf.hostile_photo("I12"), pf.hostile_photo("I04")]
    results: list[object] = [None] * 8

    def work(i):
        try:
            results[i] = load_photo(jobs[i % 4]).shape
        except CatlrInputError as error:
            results[i] = type(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(64, 64, 3), CatlrInputError, (64, 64, 3), CatlrInputError] * 2
    assert warnings.filters == filters
