"""What the parts of a zip (an .xlsx workbook) really unpack to, counted as they stream, never trusting
the sizes the zip declares.

A zip's directory states each part's packed and unpacked size, and a hostile file can state anything: a
part declared as 1 KB can unpack to 10 GB, and the workbook parser would follow the real data, not the
declaration. So every part is unpacked here, a chunk at a time, counting the bytes; the count stops at the
cap, so no more than a chunk is ever held. XML parts are also searched for DTD declarations (`<!DOCTYPE`,
`<!ENTITY`): Excel never writes them, and entity definitions are how a few kilobytes of XML expand to
gigabytes ("billion laughs") in a parser that honours them."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

READ_CHUNK = 64 * 1024
# At most this much unpacked data is held at once, however well a chunk packs.
INFLATE_CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, fixed fields, name and extra field lengths
_LOCAL_SIGNATURE = b"PK\x03\x04"
_XML_PARTS = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_OVERLAP = len(b"<!DOCTYPE")
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED


class ZipRefused(Exception):
    """Why a zip is refused. `kind` is `too-big`, `entities`, `method` or `damaged`."""

    def __init__(self, kind: str, entry: str = "", *, inflated: int = 0, detail: str = "") -> None:
        super().__init__(f"{kind}: {entry} {detail}".strip())
        self.kind = kind
        self.entry = entry
        self.inflated = inflated
        self.detail = detail


def check_inflated(path: Path, entries: Iterable[zipfile.ZipInfo], *, max_total: int, max_ratio: int) -> int:
    """The bytes all the `entries` of the zip at `path` unpack to, counted by unpacking them. Raises
    ZipRefused as soon as the count passes `max_total` or `max_ratio` times the file's size, at an XML part
    with a DTD, at a packing method Excel does not use, or at a part that cannot be unpacked."""
    file_size = path.stat().st_size
    budget = min(max_total, max_ratio * file_size)
    total = 0
    with path.open("rb") as handle:
        for entry in entries:
            finder = _DtdFinder() if entry.filename.lower().endswith(_XML_PARTS) else None
            for chunk in _unpacked(handle, entry, file_size):
                total += len(chunk)
                if total > budget:
                    raise ZipRefused("too-big", entry.filename, inflated=total)
                if finder is not None and finder.found_in(chunk):
                    raise ZipRefused("entities", entry.filename)
    return total


class _DtdFinder:
    """Looks for `<!DOCTYPE` or `<!ENTITY` in a stream of chunks, across the seams between them."""

    def __init__(self) -> None:
        self._tail = b""

    def found_in(self, chunk: bytes) -> bool:
        seam = self._tail + chunk[:_DTD_OVERLAP]
        self._tail = (self._tail + chunk[-_DTD_OVERLAP:])[-_DTD_OVERLAP:]
        # `!` is rare in a sheet and a one-byte search is fast: the regex runs only where there is one.
        if b"!" not in chunk and b"!" not in seam:
            return False
        return bool(_DTD.search(seam) or _DTD.search(chunk))


def _unpacked(handle: BinaryIO, entry: zipfile.ZipInfo, file_size: int) -> Iterator[bytes]:
    """The part's unpacked bytes, in chunks of at most INFLATE_CHUNK, read from its local header on."""
    if entry.flag_bits & 0x1:
        raise ZipRefused("method", entry.filename, detail="encrypted")
    if entry.compress_type not in (_STORED, _DEFLATED):
        raise ZipRefused("method", entry.filename, detail=str(entry.compress_type))
    handle.seek(entry.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size:
        raise ZipRefused("damaged", entry.filename, detail="the file ends early")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != _LOCAL_SIGNATURE:
        raise ZipRefused("damaged", entry.filename, detail="no local header")
    start = entry.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    handle.seek(start)
    # The packed size is the zip's word too, but a parser reads no more than it, and the file's end bounds it.
    remaining = max(0, min(entry.compress_size, file_size - start))
    if entry.compress_type == _STORED:
        while remaining > 0:
            chunk = handle.read(min(READ_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        while remaining > 0 and not inflater.eof:
            packed = handle.read(min(READ_CHUNK, remaining))
            if not packed:
                return
            remaining -= len(packed)
            chunk = inflater.decompress(packed, INFLATE_CHUNK)
            yield chunk
            while inflater.unconsumed_tail and not inflater.eof:
                yield inflater.decompress(inflater.unconsumed_tail, INFLATE_CHUNK)
    except zlib.error as error:
        raise ZipRefused("damaged", entry.filename, detail=str(error)) from None
