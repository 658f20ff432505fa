"""An uploaded file: its stream plus what the client said about it."""

from __future__ import annotations

import os
import shutil
import typing as t
from io import BytesIO

from werkzeug import datastructures as _werkzeug

from .. import http as _http  # a module reference: http imports this package in turn
from .headers import Headers


class FileStorage(_werkzeug.FileStorage):
    """A file from a multipart upload (``request.files["photo"]``).

    File methods (``read``, ``seek``, ``fileno``…) are forwarded to :attr:`stream`. ``bool()``
    is False when the form's file input was left empty (no filename).
    """

    def __init__(
        self,
        stream: t.IO[bytes] | None = None,
        filename: str | None = None,
        name: str | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.name = name
        self.stream = stream if stream is not None else BytesIO()
        if filename is None:
            # An open file knows its name; "<stdin>"-style pseudo names are not file names.
            filename = getattr(stream, "name", None)
            if isinstance(filename, int) or (
                isinstance(filename, str) and filename[:1] == "<" and filename[-1:] == ">"
            ):
                filename = None
        if filename is not None:
            filename = os.fsdecode(filename)
        self.filename = filename
        if headers is None:
            headers = Headers()
        self.headers = headers
        if content_type is not None:
            headers.set("Content-Type", content_type)
        if content_length is not None:
            headers.set("Content-Length", str(content_length))

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` the client sent for this file, if any."""
        return self.headers.get("Content-Type")

    @property
    def content_length(self) -> int:
        """The ``Content-Length`` the client sent for this part (0 when absent or invalid)."""
        value = self.headers.get("Content-Length", "")
        value = value.strip()
        return int(value) if value.isdigit() and value.isascii() else 0

    def _content_type_parts(self) -> tuple[str, dict[str, str]]:
        return _http.parse_options_header(self.content_type)

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased (``"text/plain"``)."""
        return self._content_type_parts()[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The content type's parameters (``{"charset": "utf-8"}``)."""
        return self._content_type_parts()[1]

    def save(self, dst: str | os.PathLike[str] | t.IO[bytes], buffer_size: int = 16384) -> None:
        """Copy the file to a path or an open binary file (which stays open), holding at
        most ``buffer_size`` bytes in memory at a time."""
        if isinstance(dst, (str, os.PathLike)):
            with open(dst, "wb") as target:
                shutil.copyfileobj(self.stream, target, buffer_size)
        else:
            shutil.copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        """Close the underlying stream (a spooled upload's temporary file is deleted)."""
        try:
            self.stream.close()
        except Exception:  # closing is best effort, like file objects' __del__
            pass

    def __bool__(self) -> bool:
        return bool(self.filename)

    def __getattr__(self, name: str) -> t.Any:
        if name == "stream":  # not yet set: avoid recursing during construction
            raise AttributeError(name)
        return getattr(self.stream, name)

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self.stream)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"
