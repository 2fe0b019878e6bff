"""Builders for ordinary, odd and hostile photos, made in memory (importable by any test module).

``hostile_photo(key)`` returns the bytes for one row of docs/bad-inputs.md section A (keys like "I04" or,
when a row has several variants, "I02-html"); ``HOSTILE_EXPECTED[key]`` is the regex the error
message must match, or ``None`` when the photo must be accepted. Everything is deterministic.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib

import numpy as np
from PIL import Image, PngImagePlugin
from skimage import data as skdata

from catlr import limits

RED, BLUE, GREEN, WHITE = (255, 0, 0), (0, 0, 255), (0, 160, 0), (255, 255, 255)
REAL_PHOTOS = ("chelsea", "coffee", "rocket", "astronaut")


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    """``img`` saved as ``fmt`` into bytes."""
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def real_photo(name: str) -> np.ndarray:
    """A real photo from scikit-image (chelsea is a cat), (H, W, 3) uint8."""
    return np.asarray(getattr(skdata, name)(), dtype=np.uint8)


def real_photo_bytes(name: str, fmt: str = "JPEG") -> bytes:
    return encode(Image.fromarray(real_photo(name)), fmt)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def bilevel_png(width: int, height: int) -> bytes:
    """A real, all-black 1-bit PNG of any size, built without holding the pixels (a compact bomb)."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    rows_per_block = max(1, 4_000_000 // len(row))
    parts, done = [], 0
    while done < height:
        n = min(rows_per_block, height - done)
        parts.append(packer.compress(row * n))
        done += n
    parts.append(packer.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def corner_image(size: tuple[int, int] = (90, 60), corner: tuple[int, int, int] = RED) -> Image.Image:
    """A grey RGB image (W, H) = size with a coloured square in its top-left corner."""
    width, height = size
    arr = np.full((height, width, 3), 128, np.uint8)
    side = min(width, height) // 4
    arr[:side, :side] = corner
    return Image.fromarray(arr)


def oriented_jpeg(orientation: int, base: Image.Image | None = None) -> bytes:
    """A JPEG whose EXIF Orientation tag is ``orientation`` (pixels stored as ``base``)."""
    base = base if base is not None else corner_image()
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(base, "JPEG", exif=exif.tobytes(), quality=95)


def corrupt_exif_jpeg() -> bytes:
    """A JPEG with an APP1 'Exif' segment whose TIFF structure points outside itself."""
    good = encode(corner_image(), "JPEG", quality=95)
    junk = b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + bytes(range(40))
    segment = b"\xff\xe1" + struct.pack(">H", len(junk) + 2) + junk
    return good[:2] + segment + good[2:]


def transparent_red_png() -> bytes:
    """RGBA: the left half is red but fully transparent; the right half is opaque blue."""
    arr = np.zeros((40, 40, 4), np.uint8)
    arr[:, :20] = (255, 0, 0, 0)
    arr[:, 20:] = (0, 0, 255, 255)
    return encode(Image.fromarray(arr), "PNG")


def palette_transparent_png() -> bytes:
    """Palette image: index 0 is red and transparent (left half), index 1 opaque green (right half)."""
    img = Image.new("P", (40, 40), 0)
    img.putpalette([*RED, *GREEN] + [0, 0, 0] * 254)
    img.paste(1, (20, 0, 40, 40))
    return encode(img, "PNG", transparency=0)


def gradient16_png(width: int = 256, height: int = 16) -> bytes:
    """16-bit grayscale PNG, a left-to-right ramp 0..65535."""
    ramp = np.linspace(0, 65535, width).round().astype(np.uint16)
    return encode(Image.fromarray(np.tile(ramp, (height, 1))), "PNG")


def float_tiff_nan(huge: bool = True) -> bytes:
    """Float ('F') TIFF: a 0..1 ramp with a NaN at (0, 0); with ``huge`` also +inf at (0, 1), 1e30 at (-1, -1)."""
    arr = np.tile(np.linspace(0, 1, 32, dtype=np.float32), (32, 1))
    arr[0, 0] = np.nan
    if huge:
        arr[0, 1] = np.inf
        arr[-1, -1] = 1e30
    return encode(Image.fromarray(arr), "TIFF")


def animated(fmt: str, colours=(RED, BLUE, GREEN)) -> bytes:
    """An animation (GIF, WEBP or PNG = APNG), one flat colour per frame."""
    frames = [Image.new("RGB", (40, 30), c) for c in colours]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, lossless=True)


def mpo_photo() -> bytes:
    """A multi-picture JPEG (as phones write): the main picture plus a small second one."""
    return encode(corner_image(), "MPO", save_all=True, append_images=[Image.new("RGB", (16, 12), BLUE)])


def _tiff_two_pages() -> tuple[bytearray, int]:
    page1, page2 = Image.new("RGB", (8, 6), RED), Image.new("RGB", (8, 6), BLUE)
    tiff = bytearray(encode(page1, "TIFF", save_all=True, append_images=[page2]))
    first = struct.unpack_from("<I", tiff, 4)[0]
    count = struct.unpack_from("<H", tiff, first)[0]
    second = struct.unpack_from("<I", tiff, first + 2 + 12 * count)[0]
    return tiff, second


def _edit_ifd(tiff: bytearray, ifd: int, tags: dict[int, int | None]) -> bytes:
    """Rename a tag to an unknown id (None) or set a SHORT/LONG tag's value, in place."""
    count = struct.unpack_from("<H", tiff, ifd)[0]
    for k in range(count):
        at = ifd + 2 + 12 * k
        tag, kind = struct.unpack_from("<HH", tiff, at)
        if tag in tags:
            if tags[tag] is None:
                struct.pack_into("<H", tiff, at, 0x9999)
            else:
                struct.pack_into("<H" if kind == 3 else "<I", tiff, at + 8, tags[tag])
    return bytes(tiff)


def tiff_second_page_without_size() -> bytes:
    """Two-page TIFF whose second page lacks width and height (Pillow raises TypeError)."""
    tiff, second = _tiff_two_pages()
    return _edit_ifd(tiff, second, {256: None, 257: None})


def tiff_second_page_bad_photometric() -> bytes:
    """Two-page TIFF whose second page has an unknown photometric interpretation (SyntaxError)."""
    tiff, second = _tiff_two_pages()
    return _edit_ifd(tiff, second, {262: 99})


def psd_image() -> bytes:
    """A minimal real Photoshop file (8-bit RGB, raw data) that Pillow's PSD reader can open."""
    width, height = 8, 6
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    sections = struct.pack(">III", 0, 0, 0) + struct.pack(">H", 0)  # colour data, resources, layers, raw
    return header + sections + bytes([200] * (width * height)) * 3


def fits_image() -> bytes:
    """A minimal real FITS file (8-bit 2-D image) that Pillow's FITS reader can open."""
    cards = [
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                    8",
        "NAXIS2  =                    6",
        "END",
    ]
    header = "".join(c.ljust(80) for c in cards).ljust(2880).encode("ascii")
    return header + bytes(range(48)).ljust(2880, b"\x00")


def heic_photo() -> bytes:
    """The start of an iPhone HEIC file: an ISO-BMFF 'ftyp' box with the heic brand, then a 'meta' box."""
    ftyp = b"ftyp" + b"heic" + b"\x00\x00\x00\x00" + b"mif1heicmiaf"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 40) + b"meta" + bytes(32)


def jpeg_stray_bytes(n: int = 100_000) -> bytes:
    """A real JPEG with ``n`` bytes outside any segment after its APP0 (Pillow skips them one by one)."""
    good = encode(corner_image(), "JPEG")
    assert good[2:4] == b"\xff\xe0"
    app0_end = 4 + int.from_bytes(good[4:6], "big")
    return good[:app0_end] + b"\x01" * n + good[app0_end:]


def jpeg_comment_flood(n: int = 12_000) -> bytes:
    """A real JPEG with ``n`` empty comment segments inserted before its image data."""
    good = encode(corner_image(), "JPEG")
    return good[:2] + b"\xff\xfe\x00\x02" * n + good[2:]


def png_chunk_flood(n: int = 110_000) -> bytes:
    """A real PNG with ``n`` tiny private chunks before its image data."""
    good = encode(corner_image(), "PNG")
    return good[:33] + _png_chunk(b"prVt", b"") * n + good[33:]


def tiff_many_pages(pages: int) -> bytes:
    """A classic little-endian TIFF of ``pages`` 1x1 grey pages sharing one strip (~114 bytes a page)."""
    strip_at, first = 8, 10
    entries = [(256, 3, 1), (257, 3, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, strip_at), (277, 3, 1),
               (278, 3, 1), (279, 4, 1)]  # fmt: skip
    size = 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", first) + b"\x80\x00")
    for k in range(pages):
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            out += struct.pack("<HHI", tag, kind, 1) + struct.pack(
                "<I" if kind == 4 else "<HH", *((value,) if kind == 4 else (value, 0))
            )
        out += struct.pack("<I", first + (k + 1) * size if k + 1 < pages else 0)
    return bytes(out)


@functools.lru_cache(maxsize=2)
def large_jpeg(width: int = 6000, height: int = 4000) -> bytes:
    """A 24-megapixel photo-like JPEG (the astronaut scaled up), about 2 MB."""
    big = Image.fromarray(real_photo("astronaut")).resize((width, height), Image.Resampling.NEAREST)
    return encode(big, "JPEG", quality=90)


def _cat(fmt: str) -> bytes:
    return real_photo_bytes("chelsea", fmt)


def _big_text_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 20_000_000, zip=True)  # compresses to ~20 KB
    return encode(Image.new("RGB", (8, 8), RED), "PNG", pnginfo=info)


def _eps() -> bytes:
    return (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"
    )


def _binary_eps() -> bytes:
    ps = _eps()
    return b"\xc5\xd0\xd3\xc6" + struct.pack("<IIIIIIH", 30, len(ps), 0, 0, 0, 0, 0xFFFF) + ps


def _truncated_avif() -> bytes:
    whole = _cat("AVIF")
    return whole[: len(whole) // 2]


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _random_bytes() -> bytes:
    return np.random.default_rng(2024).integers(0, 256, 3000, dtype=np.uint8).tobytes()


_BUILDERS = {
    "I01": lambda: b"",
    "I02-random": _random_bytes,
    "I02-text": lambda: b"Shopping list:\n- cat food\n- milk\n" * 20,
    "I02-html": lambda: b"<!DOCTYPE html><html><head><title>cat</title></head><body><img src=x></body></html>",
    "I03": lambda: (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<rect width="10" height="10" fill="red"/></svg>'
    ),
    "I04": lambda: _half(_cat("JPEG")),
    "I05": lambda: _half(_cat("PNG")),
    "I06": lambda: bilevel_png(10_000, 10_000),
    "I06-48mp": lambda: bilevel_png(8_000, 6_000),
    "I07": lambda: bilevel_png(14_000, 14_000),
    "I08": _big_text_png,
    "I09": _eps,
    "I09-binary": _binary_eps,
    "I10-6": lambda: oriented_jpeg(6),
    "I10-8": lambda: oriented_jpeg(8),
    "I11": corrupt_exif_jpeg,
    "I12": transparent_red_png,
    "I13": palette_transparent_png,
    "I15": gradient16_png,
    "I16": float_tiff_nan,
    "I16-unit": lambda: float_tiff_nan(huge=False),
    "I17-gif": lambda: animated("GIF"),
    "I17-webp": lambda: animated("WEBP"),
    "I17-apng": lambda: animated("PNG"),
    "I18": lambda: encode(Image.new("L", (1, 20_000), 90), "PNG"),
    "I19": lambda: _cat("PNG"),
    "I20": lambda: b"\xff\xd8\xff\xe0" + bytes(limits.MAX_PHOTO_BYTES),
    "I21-tga": lambda: encode(Image.new("RGB", (8, 6), RED), "TGA"),
    "I21-psd": psd_image,
    "I21-fits": fits_image,
    "I21-ico": lambda: encode(Image.new("RGB", (16, 16), RED), "ICO"),
    "I21-ppm": lambda: encode(Image.new("RGB", (8, 6), RED), "PPM"),
    "I21-qoi": lambda: encode(Image.new("RGB", (8, 6), RED), "QOI"),
    "I21-jpeg2000": lambda: encode(Image.new("RGB", (8, 6), RED), "JPEG2000"),
    "I22": large_jpeg,
    "I23": _truncated_avif,
    "I23-syntaxerror": tiff_second_page_bad_photometric,
    "I24": tiff_second_page_without_size,
    "I25": heic_photo,
}

_NOT_SUPPORTED = r"not a supported image"
_DAMAGED = r"damaged or incomplete"
_UNDECODABLE = r"could not be decoded"
_TOO_LARGE = r"too large \(.*megapixels; the limit is 40\)"
HOSTILE_EXPECTED: dict[str, str | None] = {
    "I01": r"The file is empty\.",
    "I02-random": _NOT_SUPPORTED + r" \(JPEG, PNG, WebP, GIF, BMP or TIFF\)",
    "I02-text": _NOT_SUPPORTED + r": it is a text file",
    "I02-html": _NOT_SUPPORTED + r": it is a web page \(HTML\)",
    "I03": _NOT_SUPPORTED + r": it is an SVG drawing.*Export it as PNG or JPEG",
    "I04": _DAMAGED,
    "I05": _DAMAGED,
    "I06": _TOO_LARGE,
    "I06-48mp": _TOO_LARGE,
    "I07": _TOO_LARGE + r" — possibly a decompression bomb",
    "I08": _UNDECODABLE,
    "I09": _NOT_SUPPORTED + r": it is a PostScript \(EPS\) file",
    "I09-binary": _NOT_SUPPORTED + r": it is a PostScript \(EPS\) file",
    "I10-6": None,
    "I10-8": None,
    "I11": None,
    "I12": None,
    "I13": None,
    "I15": None,
    "I16": None,
    "I16-unit": None,
    "I17-gif": None,
    "I17-webp": None,
    "I17-apng": None,
    "I18": r"too long and thin \(aspect ratio 20,000:1; the limit is 50:1\)",
    "I19": None,
    "I20": r"larger than 20 MB",
    "I21-tga": _NOT_SUPPORTED + r": it is a TGA image.*JPEG, PNG, WebP, GIF, BMP or TIFF",
    "I21-psd": _NOT_SUPPORTED + r": it is a Photoshop \(PSD\) document",
    "I21-fits": _NOT_SUPPORTED + r": it is a FITS \(astronomy\) file.*JPEG, PNG, WebP, GIF, BMP or TIFF",
    "I21-ico": _NOT_SUPPORTED + r": it is a Windows icon \(ICO\)",
    "I21-ppm": _NOT_SUPPORTED + r": it is a Netpbm",
    "I21-qoi": _NOT_SUPPORTED + r": it is a QOI image",
    "I21-jpeg2000": _NOT_SUPPORTED + r": it is a JPEG 2000 image",
    "I22": None,
    "I23": _NOT_SUPPORTED + r": it is an AVIF image",
    "I23-syntaxerror": _UNDECODABLE,
    "I24": _UNDECODABLE,
    "I25": r"HEIC is not supported — export the photo as JPEG",
}
HOSTILE_KEYS = tuple(_BUILDERS)


def hostile_photo(key: str) -> bytes:
    """The bytes for one row (or variant) of docs/bad-inputs.md section A, e.g. "I04" or "I17-gif"."""
    return _BUILDERS[key]()


# (mode, format) pairs Pillow writes and reads back; the property test draws from these (I27).
MODE_FORMATS = (
    ("1", "PNG"), ("L", "PNG"), ("LA", "PNG"), ("P", "PNG"), ("RGB", "PNG"), ("RGBA", "PNG"), ("I;16", "PNG"),
    ("L", "JPEG"), ("RGB", "JPEG"), ("CMYK", "JPEG"),
    ("1", "BMP"), ("L", "BMP"), ("P", "BMP"), ("RGB", "BMP"), ("RGBA", "BMP"),
    ("L", "GIF"), ("P", "GIF"), ("RGB", "GIF"),
    ("1", "TIFF"), ("L", "TIFF"), ("LA", "TIFF"), ("P", "TIFF"), ("RGB", "TIFF"), ("RGBA", "TIFF"),
    ("CMYK", "TIFF"), ("YCbCr", "TIFF"), ("I;16", "TIFF"), ("I", "TIFF"), ("F", "TIFF"),
    ("RGB", "WEBP"), ("RGBA", "WEBP"),
)  # fmt: skip


def random_image(mode: str, size: tuple[int, int], seed: int) -> Image.Image:
    """An image of any Pillow mode with random pixels (wide modes include extremes; F includes NaN/inf)."""
    rng = np.random.default_rng(seed)
    width, height = size
    if mode == "I;16":
        return Image.fromarray(rng.integers(0, 65536, (height, width), dtype=np.uint16))
    if mode == "I":
        return Image.fromarray(rng.integers(-(2**31), 2**31 - 1, (height, width), dtype=np.int32))
    if mode == "F":
        arr = rng.normal(0, 1e3, (height, width)).astype(np.float32)
        arr.flat[rng.integers(0, arr.size, 2)] = [np.nan, np.inf]
        return Image.fromarray(arr)
    if mode == "P":
        return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)).convert("P")
    raw = rng.integers(0, 256, width * height * Image.getmodebands(mode), dtype=np.uint8).tobytes()
    if mode == "1":
        return Image.frombytes("L", size, raw).convert("1")  # dithered black and white
    return Image.frombytes(mode, size, raw)
