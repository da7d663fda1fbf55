"""Images for the photo tests, made here with Pillow and zlib: a real phone-like JPEG with EXIF (camera, place,
orientation), and the hostile files an upload form meets (a decompression bomb, a huge file, an SVG with a
script, a program or text renamed .jpg)."""

import io
import struct
import zlib
from pathlib import Path

from PIL import Image


def photo_jpeg(width: int = 2400, height: int = 1800) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera's name, a GPS position and orientation 6 (turn right)."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    for x in range(0, width, 200):
        image.paste((240, 200, 40), (x, 0, x + 100, height // 2))
    exif = Image.Exif()
    exif[0x010F] = "KoukaTestCamera"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    gps = {1: "N", 2: (36.0, 18.0, 40.0), 3: "E", 4: (139.0, 11.0, 49.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 12_000) -> bytes:
    """A valid grey PNG of ``side``×``side`` pixels, all black: ~140 KB that would decode to side² bytes."""
    row = b"\x00" + b"\x00" * side  # filter byte, then the pixels
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(side)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", b"".join(parts))
            + png_chunk(b"IEND", b""))


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')


def huge_file(path: Path, megabytes: int = 50) -> Path:
    """A file of ``megabytes`` MB that starts like a JPEG (the size, not the kind, is what is refused)."""
    with path.open("wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0")
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(megabytes):
            handle.write(chunk)
    return path


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file())
