"""Uploaded files, judged by their content, and Word (.docx) files read without trusting them.

A file's name and the browser's content type are what the sender says; the bytes are what the
file is. A file named .pdf that is really a PNG is judged as a PNG, so store it under the
extension of the kind that `check_upload` returns, never the one it came with.

A .docx is a ZIP of XML parts, and both layers can be hostile: a zip bomb (a small file that
inflates to gigabytes), a central directory that lies about sizes, macros, and XML that declares
entities (XXE, billion laughs). `open_docx_safely` checks the zip before anything parses it, and
`docx_text` reads the body with a streaming XML parser that resolves no entity and loads nothing.
"""

import struct
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from enum import StrEnum
from math import ceil, floor
from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from lxml import etree

from manyi.core.text import count_characters

MB = 1024 * 1024

# Limits for a .docx, far above any real application form, far below what hurts the server.
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_ENTRY_BYTES = 50 * MB  # uncompressed, per part
DOCX_MAX_TOTAL_BYTES = 200 * MB  # uncompressed, all parts
DOCX_MAX_RATIO = 200  # uncompressed / compressed, checked for parts above DOCX_RATIO_FLOOR
DOCX_RATIO_FLOOR = 1 * MB
READ_CHUNK = 64 * 1024

# What zipfile raises on a damaged, truncated, lying (bad CRC) or exotic (unsupported
# compression, encrypted) archive.
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
    NotImplementedError,
)

CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT = "word/document.xml"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# OLE compound file: Word 97–2003 .doc, and also any password-protected Office 2007+ file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileKind(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    DOCX = "docx"


# What a file turned out to be, and the groups of what a field accepts, as the user reads them.
KIND_LABELS = {
    FileKind.PNG: _("PNG image"),
    FileKind.JPEG: _("JPG image"),
    FileKind.PDF: _("PDF"),
    FileKind.DOCX: _("Word (.docx)"),
}
IMAGE_LABEL = _("JPG/PNG image")
OLE_LABEL = _("old Word (.doc) or encrypted Office file")


class _EntryTooLarge(Exception):
    """A zip entry inflated past the cap, whatever the central directory declared."""


def sniff(f: BinaryIO) -> FileKind | None:
    """The kind of file by its content (magic bytes), never its name; the position is restored.

    A .docx is a ZIP whose central directory lists `[Content_Types].xml` and
    `word/document.xml`; a ZIP with more entries than a .docx may have is not inspected.
    """
    position = f.tell()
    try:
        f.seek(0)
        head = f.read(8)
        if head.startswith(PNG_MAGIC):
            return FileKind.PNG
        if head.startswith(JPEG_MAGIC):
            return FileKind.JPEG
        if head.startswith(PDF_MAGIC):
            return FileKind.PDF
        if head.startswith(ZIP_MAGIC) and _is_docx_zip(f):
            return FileKind.DOCX
        return None
    finally:
        f.seek(position)


def check_upload(f: UploadedFile, *, accept: Collection[FileKind], max_bytes: int) -> FileKind:
    """Accept an upload only if it is not empty, not above `max_bytes`, and of a kind in `accept`.

    Judged by content: a file named .pdf that is really a PNG is a PNG. A .docx must also pass
    `open_docx_safely` and be readable by `docx_text`. Returns the kind; the position is restored.
    """
    name = _display_name(f)
    if not f.size:
        raise ValidationError(_("File “%(name)s” is empty."), code="empty", params={"name": name})
    if f.size > max_bytes:
        raise ValidationError(
            _("File “%(name)s” is %(size)s MB, above the limit of %(limit)s MB."),
            code="too_large",
            params={
                "name": name,
                "size": _megabytes(f.size, ceil),
                "limit": _megabytes(max_bytes, floor),
            },
        )
    kind = sniff(f)
    head = _head(f)
    if FileKind.DOCX in accept and head.startswith(ZIP_MAGIC):
        # A zip meant as Word: say exactly why it is refused (damaged, not Word, a bomb, macros).
        docx_text(f)
        return FileKind.DOCX
    if kind in accept:
        return kind
    accepted = _accepted_label(accept)
    if kind is None and not head.startswith(OLE_MAGIC):
        raise ValidationError(
            _("The format of file “%(name)s” is not recognised. Accepted here: %(accepted)s."),
            code="unknown_type",
            params={"name": name, "accepted": accepted},
        )
    raise ValidationError(
        _("File “%(name)s” turned out to be: %(found)s. Accepted here: %(accepted)s."),
        code="wrong_type",
        params={
            "name": name,
            "found": str(KIND_LABELS[kind] if kind else OLE_LABEL),
            "accepted": accepted,
        },
    )


def check_uploads(
    files: Iterable[UploadedFile], *, accept: Collection[FileKind], max_bytes: int
) -> tuple[list[FileKind], list[str]]:
    """`check_upload` of each file: the kinds of those accepted and every refusal's message, so
    that a form can say all of them at once."""
    kinds: list[FileKind] = []
    problems: list[str] = []
    for f in files:
        try:
            kinds.append(check_upload(f, accept=accept, max_bytes=max_bytes))
        except ValidationError as error:
            problems += error.messages
    return kinds, problems


def open_docx_safely(f: BinaryIO, *, name: str | None = None) -> zipfile.ZipFile:
    """Open a .docx as a zip only after checking it is safe to read; the caller closes it.

    Refused: not a zip or not a Word document; more than 2,000 entries; an entry declaring more
    than 50 MB uncompressed, or 200 MB in all; a ratio above 200 for an entry above 1 MB (a zip
    bomb); encrypted entries; macros (a vbaProject.bin, or a macroEnabled content type). Reading
    an entry later stays capped as well: see `docx_text`.
    """
    name = name or _display_name(f)
    entries = _declared_entry_count(f)
    if entries is not None and entries > DOCX_MAX_ENTRIES:
        raise _too_many_entries(name, entries)
    try:
        f.seek(0)
        archive = zipfile.ZipFile(f)
    except READ_ERRORS as error:
        raise _unreadable(name) from error
    try:
        _check_docx_archive(archive, name)
    except BaseException:
        archive.close()
        raise
    return archive


def docx_text(f: BinaryIO, *, name: str | None = None) -> str:
    """The body text of a .docx: its paragraphs in order, table cells included, one per line.

    Read from word/document.xml after `open_docx_safely`, streamed in chunks with a hard cap of
    50 MB (the central directory may lie), parsed by lxml with entities left unresolved, no DTD
    and no network. A document declaring a DOCTYPE is refused, not expanded. Text in text boxes
    counts (once); deleted text, field codes, headers, footers and notes do not. The position of
    `f` is restored.
    """
    name = name or _display_name(f)
    position = f.tell()
    try:
        with open_docx_safely(f, name=name) as archive:
            return _document_text(archive, name)
    finally:
        f.seek(position)


def docx_document_xml(f: BinaryIO, *, name: str | None = None) -> bytes:
    """word/document.xml of a .docx, for a reader that parses it itself: the same checks as
    `docx_text` at a fraction of its cost. The zip passes `open_docx_safely`; the part is
    inflated with the hard cap of 50 MB whatever the central directory declares; a DOCTYPE
    before or at the root is refused; the root must be a Word document. The caller parses the
    bytes with entities left unresolved and no network (python-docx's parser does). Only this
    part is read: nothing else of the zip reaches a parser. The position of `f` is restored."""
    name = name or _display_name(f)
    position = f.tell()
    try:
        with open_docx_safely(f, name=name) as archive:
            content = _read_entry(archive, DOCUMENT, name)
    finally:
        f.seek(position)
    _check_prolog(content, name)
    return content


def _check_prolog(content: bytes, name: str) -> None:
    """Refuse a document part that declares a DOCTYPE or whose root is not w:document, reading
    it only as far as its root element."""
    parser = etree.XMLPullParser(
        events=("start",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )
    previous = b""
    try:
        for start in range(0, len(content), READ_CHUNK):
            chunk = content[start : start + READ_CHUNK]
            if b"<!DOCTYPE" in previous[-8:] + chunk:
                raise _declares_entities(name)  # as in _document_text: before libxml2 reads it
            previous = chunk
            parser.feed(chunk)
            for _event, element in parser.read_events():
                if element.getroottree().docinfo.internalDTD is not None:
                    raise _declares_entities(name)
                if element.tag not in W_DOCUMENT:
                    raise _unreadable(name)
                return
    except etree.XMLSyntaxError as error:
        raise _unreadable(name) from error
    raise _unreadable(name)  # no root element


def docx_character_count(f: BinaryIO, *, name: str | None = None) -> int:
    """The `count_characters` count of a .docx's body text (Word's 字符数（不计空格）)."""
    return count_characters(docx_text(f, name=name))


# --- the zip layer ---------------------------------------------------------------------------


def _check_docx_archive(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    if len(infos) > DOCX_MAX_ENTRIES:
        raise _too_many_entries(name, len(infos))
    names = {info.filename for info in infos}
    if CONTENT_TYPES not in names or DOCUMENT not in names:
        raise _unreadable(name)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ValidationError(
                _("Word file “%(name)s” is encrypted. Remove its password and upload it again."),
                code="docx_encrypted",
                params={"name": name},
            )
        if info.file_size > DOCX_MAX_ENTRY_BYTES:
            raise _too_large_unpacked(name, DOCX_MAX_ENTRY_BYTES)
        total += info.file_size
        if total > DOCX_MAX_TOTAL_BYTES:
            raise _too_large_unpacked(name, DOCX_MAX_TOTAL_BYTES)
        if info.file_size > DOCX_RATIO_FLOOR and info.file_size > DOCX_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise ValidationError(
                _(
                    "Word file “%(name)s” was refused: a part of it is compressed more than "
                    "%(limit)d times (possibly a zip bomb)."
                ),
                code="docx_ratio",
                params={"name": name, "limit": DOCX_MAX_RATIO},
            )
    macro_part = any(PurePosixPath(n).name.lower() == "vbaproject.bin" for n in names)
    if macro_part or b"macroenabled" in _read_entry(archive, CONTENT_TYPES, name).lower():
        raise ValidationError(
            _(
                "Word file “%(name)s” was refused: it contains macros. Save it as a Word "
                "document without macros (.docx) and upload it again."
            ),
            code="docx_macros",
            params={"name": name},
        )


def _head(f: BinaryIO) -> bytes:
    position = f.tell()
    try:
        f.seek(0)
        return f.read(8)
    finally:
        f.seek(position)


def _is_docx_zip(f: BinaryIO) -> bool:
    """Whether a zip lists the two parts of a .docx; the caller restores the position."""
    entries = _declared_entry_count(f)
    if entries is None or entries > DOCX_MAX_ENTRIES:
        return False
    try:
        f.seek(0)
        with zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
    except READ_ERRORS:
        return False
    return CONTENT_TYPES in names and DOCUMENT in names


def _declared_entry_count(f: BinaryIO) -> int | None:
    """The entry count in the zip's end record, read before `zipfile` parses every entry.

    `zipfile.ZipFile` builds an object per entry up front: a 17 MB zip of 200,000 empty entries
    costs it 7 s and 100 MB. None when no end record is found (not a zip).
    """
    size = f.seek(0, 2)
    tail_size = min(size, 22 + 0xFFFF + 20)  # the end record, its longest comment, zip64 locator
    f.seek(size - tail_size)
    tail = f.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return None
    (entries,) = struct.unpack_from("<H", tail, end + 10)
    locator = end - 20
    if entries == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        (zip64_end,) = struct.unpack_from("<Q", tail, locator + 8)
        f.seek(zip64_end)
        record = f.read(56)
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            (entries,) = struct.unpack_from("<Q", record, 32)
    return entries


def _stream_entry(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """An entry's bytes in chunks, stopping past DOCX_MAX_ENTRY_BYTES whatever was declared."""
    read = 0
    with archive.open(member) as stream:
        while chunk := stream.read(READ_CHUNK):
            read += len(chunk)
            if read > DOCX_MAX_ENTRY_BYTES:
                raise _EntryTooLarge
            yield chunk


def _read_entry(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        return b"".join(_stream_entry(archive, member))
    except _EntryTooLarge as error:
        raise _too_large_unpacked(name, DOCX_MAX_ENTRY_BYTES) from error
    except READ_ERRORS as error:
        raise _unreadable(name) from error


# --- the XML layer ---------------------------------------------------------------------------

W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",  # transitional
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # strict
)
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _w(local: str) -> frozenset[str]:
    return frozenset(f"{{{namespace}}}{local}" for namespace in W_NAMESPACES)


W_DOCUMENT, W_P, W_T, W_TAB = _w("document"), _w("p"), _w("t"), _w("tab")
W_BREAKS = _w("br") | _w("cr")
W_NO_BREAK_HYPHEN = _w("noBreakHyphen")


def _document_text(archive: zipfile.ZipFile, name: str) -> str:
    parser = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    lines: list[str] = []
    open_paragraphs: list[list[str]] = []  # a text box's paragraphs sit inside a paragraph
    fallback_depth = 0  # mc:Fallback repeats its mc:Choice (a text box drawn twice): skip it
    seen_root = False
    previous = b""
    try:
        for chunk in _stream_entry(archive, DOCUMENT):
            if not seen_root and b"<!DOCTYPE" in previous[-8:] + chunk:
                # Refused before libxml2 reads it. libxml2 would stop a billion laughs itself,
                # but with an error no more telling than "damaged"; a DOCTYPE it parses (say in
                # UTF-16) is refused at the root element below.
                raise _declares_entities(name)
            previous = chunk
            parser.feed(chunk)
            for event, element in parser.read_events():
                tag = element.tag
                if event == "start":
                    if not seen_root:
                        seen_root = True
                        if element.getroottree().docinfo.internalDTD is not None:
                            raise _declares_entities(name)
                        if tag not in W_DOCUMENT:
                            raise _unreadable(name)
                    if tag == MC_FALLBACK:
                        fallback_depth += 1
                    elif tag in W_P and not fallback_depth:
                        open_paragraphs.append([])
                    continue
                if tag == MC_FALLBACK:
                    fallback_depth -= 1
                elif not fallback_depth and open_paragraphs:
                    if tag in W_T:
                        open_paragraphs[-1].append(element.text or "")
                    elif tag in W_TAB:
                        open_paragraphs[-1].append("\t")
                    elif tag in W_BREAKS:
                        open_paragraphs[-1].append("\n")
                    elif tag in W_NO_BREAK_HYPHEN:
                        open_paragraphs[-1].append("\u2011")
                    elif tag in W_P:
                        lines.append("".join(open_paragraphs.pop()))
                # Keep memory flat: drop what has been read.
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
        parser.close()
    except _EntryTooLarge as error:
        raise _too_large_unpacked(name, DOCX_MAX_ENTRY_BYTES) from error
    except (etree.XMLSyntaxError, *READ_ERRORS) as error:
        raise _unreadable(name) from error
    if not seen_root:
        raise _unreadable(name)
    return "\n".join(lines)


# --- messages --------------------------------------------------------------------------------


def _display_name(f: object) -> str:
    return PurePosixPath(str(getattr(f, "name", "") or "").replace("\\", "/")).name


def _megabytes(size: int, rounding: Callable[[float], int]) -> str:
    """Size in MB with at most one decimal: rounded up for a file, down for a limit."""
    tenths = rounding(size * 10 / MB)
    return f"{tenths / 10:.1f}".removesuffix(".0")


def _accepted_label(accept: Collection[FileKind]) -> str:
    labels = []
    if FileKind.PNG in accept and FileKind.JPEG in accept:
        labels.append(IMAGE_LABEL)
    else:
        labels.extend(KIND_LABELS[kind] for kind in (FileKind.JPEG, FileKind.PNG) if kind in accept)
    labels.extend(KIND_LABELS[kind] for kind in (FileKind.PDF, FileKind.DOCX) if kind in accept)
    return str(get_text_list([str(label) for label in labels]))


def _unreadable(name: str) -> ValidationError:
    return ValidationError(
        _("Word file “%(name)s” cannot be read: it is damaged or not a .docx document."),
        code="docx_unreadable",
        params={"name": name},
    )


def _too_many_entries(name: str, count: int) -> ValidationError:
    return ValidationError(
        _("Word file “%(name)s” was refused: it has %(count)d parts, more than %(limit)d."),
        code="docx_entries",
        params={"name": name, "count": count, "limit": DOCX_MAX_ENTRIES},
    )


def _too_large_unpacked(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "Word file “%(name)s” was refused: unpacked, it would exceed %(limit)d MB "
            "(possibly a zip bomb)."
        ),
        code="docx_too_large",
        params={"name": name, "limit": limit // MB},
    )


def _declares_entities(name: str) -> ValidationError:
    return ValidationError(
        _(
            "Word file “%(name)s” was refused: its text declares XML entities (a DOCTYPE), "
            "which Word never writes."
        ),
        code="docx_doctype",
        params={"name": name},
    )
