"""What an upload sends: a file path, bytes or a binary file object, read in blocks, never whole."""

import hashlib
import io
import os
from typing import BinaryIO, Iterator, Optional, Union

BLOCK_SIZE = 1 << 20

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]


class UploadSource:
    """The bytes of one upload.

    ``size`` and ``sha256`` are known before sending for paths, bytes and seekable file objects (one pass over the
    file computes the digest, another sends it). A non-seekable file object (a pipe, a socket, standard input) can be
    read only once: its ``size`` is None, it goes chunked, and ``sha256`` is known only once it has been sent.
    ``replayable`` says whether the blocks can be produced again, for a retry.
    """

    def __init__(self, source: Source, sha256: Optional[str] = None):
        self._owned: Optional[BinaryIO] = None
        self._bytes: Optional[memoryview] = None
        self._file: Optional[BinaryIO] = None
        self._start = 0
        self.filename: Optional[str] = None
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._bytes = memoryview(source).cast("B")
            self.size: Optional[int] = len(self._bytes)
            self.replayable = True
        elif isinstance(source, (str, os.PathLike)):
            self._owned = self._file = open(source, "rb")
            self.filename = os.path.basename(os.fspath(source))
            self.size = os.fstat(self._file.fileno()).st_size
            self.replayable = True
        elif hasattr(source, "read"):
            self._file = source
            name = getattr(source, "name", None)
            self.filename = os.path.basename(name) if isinstance(name, str) else None
            self.replayable = _seekable(source)
            self.size = None
            if self.replayable:
                self._start = source.tell()
                self.size = source.seek(0, io.SEEK_END) - self._start
                source.seek(self._start)
        else:
            raise TypeError(f"Upload a path, bytes or a binary file object, not {type(source).__name__}.")
        self.sha256 = sha256.lower() if sha256 else None
        if self.sha256 is None and self.replayable:
            digest = hashlib.sha256()
            for block in self.blocks():
                digest.update(block)
            self.sha256 = digest.hexdigest()

    def blocks(self) -> Iterator[bytes]:
        """The bytes from the start, in blocks; a non-seekable file's digest is computed on the way."""
        if self._bytes is not None:
            for offset in range(0, len(self._bytes), BLOCK_SIZE):
                yield bytes(self._bytes[offset:offset + BLOCK_SIZE])
            return
        if self.replayable:
            self._file.seek(self._start)
            yield from _read_blocks(self._file)
            return
        digest = hashlib.sha256()
        for block in _read_blocks(self._file):
            digest.update(block)
            yield block
        self.sha256 = digest.hexdigest()

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()


def _read_blocks(file: BinaryIO) -> Iterator[bytes]:
    while True:
        block = file.read(BLOCK_SIZE)
        if not block:
            return
        if not isinstance(block, (bytes, bytearray)):
            raise TypeError("The file object returned text: open the model file in binary mode ('rb').")
        yield bytes(block)


def _seekable(file: BinaryIO) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, ValueError, OSError):
        return False
