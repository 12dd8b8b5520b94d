"""Reading the text files nicmodel accepts (specs, tables, traces) with one-line errors for
everything that is not text: unreadable paths, folders, binary junk, other encodings, and files
too large to be a spec or a trace. A UTF-8 byte-order mark is dropped; CRLF line ends are fine."""

from __future__ import annotations

from pathlib import Path

from ..errors import SpecError

MAX_TEXT_BYTES = 256 * 2**20  # larger than any spec, table or trace a run can use


def read_text(path: str | Path) -> str:
    """The file's text, or a SpecError naming the file and what is wrong with it."""
    file = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise SpecError("is a folder; expected a file", file)
        size = p.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise SpecError(f"file is {size / 2**20:.0f} MiB; at most {MAX_TEXT_BYTES // 2**20} MiB is read", file)
        with open(p, "rb") as f:  # capped by the bytes read: a device or a pipe reports no size
            data = f.read(MAX_TEXT_BYTES + 1)
        if len(data) > MAX_TEXT_BYTES:
            raise SpecError(f"more than {MAX_TEXT_BYTES // 2**20} MiB; at most that much is read", file)
    except OSError as exc:
        raise SpecError(f"cannot read file: {exc.strerror or exc}", file) from None
    if b"\x00" in data[:65536]:
        raise SpecError("not a text file (contains NUL bytes)", file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}", file, line) from None
    return text[1:] if text.startswith("\ufeff") else text
