"""Uploads judged by content, and hostile Word files (manyi.core.uploads).

Every file is built here, in memory or in a temporary file: no binary fixture is committed.
"""

import io
import os
import struct
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from manyi.core import uploads
from manyi.core.text import count_characters
from manyi.core.uploads import (
    FileKind,
    check_upload,
    docx_character_count,
    docx_document_xml,
    docx_text,
    open_docx_safely,
    sniff,
)

MB = 1024 * 1024
IMAGES = {FileKind.PNG, FileKind.JPEG}
EVERYTHING = {FileKind.PNG, FileKind.JPEG, FileKind.PDF, FileKind.DOCX}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DEEDS = "本人自2010年起从事供电服务工作，荣获“优秀服务标兵”称号。"  # 31 characters


@pytest.fixture(autouse=True, scope="module")
def _in_chinese() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


def refusal(call, *args, **kwargs) -> str:
    """The one message of the ValidationError that `call` raises."""
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    [message] = error.value.messages
    return message


# --- building files ----------------------------------------------------------------------


def png_1x1() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # one scanline: no filter, one white pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# The start and end of a JPEG (SOI, a JFIF APP0 segment, EOI): sniff reads only the start.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the start of a Word 97–2003 .doc


def make_docx(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, texts in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezip(archive: bytes, *, replace: dict[str, bytes] | None = None) -> bytes:
    """The same zip with some entries replaced or added."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = replace.pop(info.filename, None)
            target.writestr(info, source.read(info) if data is None else data, zipfile.ZIP_DEFLATED)
        for name, data in replace.items():
            target.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def make_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def patch_central_directory(
    archive: bytes, member: str, offset: int, fmt: str, value: int
) -> bytes:
    """Overwrite one field of `member`'s central directory record: make the directory lie."""
    data = bytearray(archive)
    start = data.find(b"PK\x01\x02")
    while start >= 0:
        (name_length,) = struct.unpack_from("<H", data, start + 28)
        if data[start + 46 : start + 46 + name_length] == member.encode():
            struct.pack_into(fmt, data, start + offset, value)
            return bytes(data)
        start = data.find(b"PK\x01\x02", start + 46)
    raise AssertionError(f"{member} is not in the central directory")


def document_xml(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    ).encode()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A .docx whose document.xml is 300 MB of zeros: about 300 KB on disk, built in chunks."""
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            with archive.open("word/document.xml", "w") as entry:
                zeros = bytes(MB)
                for _ in range(300):
                    entry.write(zeros)
        spool.seek(0)
        return spool.read()


# --- sniff -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (png_1x1(), FileKind.PNG),
        (JPEG, FileKind.JPEG),
        (PDF, FileKind.PDF),
        (make_docx("你好"), FileKind.DOCX),
        (make_zip({"a.txt": b"a"}), None),
        (make_zip({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<x/>"}), None),
        (OLE, None),
        ("纯文本".encode(), None),
        (b"", None),
    ],
)
def test_sniff_judges_content(content, kind):
    assert sniff(io.BytesIO(content)) == kind


def test_sniff_finds_a_docx_by_its_central_directory_whatever_the_order_of_entries():
    # filetype 1.2 only looks at the first few local headers and calls this a plain zip.
    entries = {name: bytes(8000) for name in ["[Content_Types].xml", "_rels/.rels", "docProps/a"]}
    entries |= {f"customXml/item{i}.xml": bytes(8000) for i in range(5)}
    entries["word/document.xml"] = document_xml("")
    assert sniff(io.BytesIO(make_zip(entries))) == FileKind.DOCX


def test_sniff_restores_the_position():
    f = io.BytesIO(make_docx("你好"))
    f.seek(7)
    assert sniff(f) == FileKind.DOCX
    assert f.tell() == 7


# --- check_upload: kinds -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("照片.png", png_1x1(), FileKind.PNG),
        ("照片.jpg", JPEG, FileKind.JPEG),
        ("证明.pdf", PDF, FileKind.PDF),
        ("事迹.docx", make_docx(DEEDS), FileKind.DOCX),
        ("证书.pdf", png_1x1(), FileKind.PNG),  # named .pdf, judged as what it is
        ("事迹.pdf", make_docx(DEEDS), FileKind.DOCX),
        ("无扩展名", PDF, FileKind.PDF),
    ],
)
def test_check_upload_accepts_by_content(name, content, kind):
    f = upload(name, content)
    assert check_upload(f, accept=EVERYTHING, max_bytes=MB) == kind
    assert f.tell() == 0


def test_check_upload_refuses_an_empty_file():
    message = refusal(check_upload, upload("空.pdf", b""), accept={FileKind.PDF}, max_bytes=MB)
    assert message == "文件“空.pdf”是空文件。"


def test_check_upload_refuses_a_file_above_the_limit():
    f = upload("扫描件.pdf", PDF + bytes(10 * MB - len(PDF) + 1))
    message = refusal(check_upload, f, accept={FileKind.PDF}, max_bytes=10 * MB)
    assert message == "文件“扫描件.pdf”大小为 10.1 MB，超过 10 MB 的上限。"


def test_check_upload_accepts_a_file_at_the_limit():
    f = upload("扫描件.pdf", PDF + bytes(10 * MB - len(PDF)))
    assert check_upload(f, accept={FileKind.PDF}, max_bytes=10 * MB) == FileKind.PDF


def test_check_upload_judges_a_png_named_pdf_as_a_png():
    f = upload("证书.pdf", png_1x1())
    message = refusal(check_upload, f, accept={FileKind.PDF}, max_bytes=MB)
    assert message == "文件“证书.pdf”实际为：PNG 图片。此处可上传：PDF。"


def test_check_upload_judges_a_docx_named_pdf_as_a_docx():
    f = upload("事迹.pdf", make_docx(DEEDS))
    message = refusal(check_upload, f, accept={FileKind.PDF, *IMAGES}, max_bytes=MB)
    assert message == "文件“事迹.pdf”实际为：Word（.docx）。此处可上传：图片（JPG/PNG） 或 PDF。"


def test_check_upload_names_every_accepted_kind():
    f = upload("照片.jpg", JPEG)
    message = refusal(
        check_upload, f, accept={FileKind.PNG, FileKind.PDF, FileKind.DOCX}, max_bytes=MB
    )
    assert message == "文件“照片.jpg”实际为：JPG 图片。此处可上传：PNG 图片，PDF 或 Word（.docx）。"


def test_check_upload_refuses_an_unknown_format():
    f = upload("说明.pdf", "只是一段文字".encode())
    message = refusal(check_upload, f, accept={FileKind.PDF}, max_bytes=MB)
    assert message == "无法识别文件“说明.pdf”的格式。此处可上传：PDF。"


def test_check_upload_names_an_old_word_document():
    message = refusal(check_upload, upload("事迹.doc", OLE), accept={FileKind.DOCX}, max_bytes=MB)
    assert message == (
        "文件“事迹.doc”实际为：旧版 Word（.doc）或加密的 Office 文件。此处可上传：Word（.docx）。"
    )


def test_check_upload_refuses_a_zip_that_is_not_a_docx():
    f = upload("事迹.docx", make_zip({"事迹.txt": DEEDS.encode()}))
    message = refusal(check_upload, f, accept={FileKind.DOCX}, max_bytes=MB)
    assert message == "无法读取 Word 文件“事迹.docx”：文件已损坏或不是 .docx 文档。"


def test_check_upload_refuses_a_zip_where_no_docx_is_accepted():
    f = upload("材料.zip", make_zip({"事迹.txt": DEEDS.encode()}))
    message = refusal(check_upload, f, accept={FileKind.PDF}, max_bytes=MB)
    assert message == "无法识别文件“材料.zip”的格式。此处可上传：PDF。"


def test_check_upload_refuses_a_truncated_docx():
    content = make_docx(DEEDS)
    f = upload("事迹.docx", content[: len(content) // 2])
    message = refusal(check_upload, f, accept={FileKind.DOCX}, max_bytes=MB)
    assert message == "无法读取 Word 文件“事迹.docx”：文件已损坏或不是 .docx 文档。"


# --- Word: text and count ------------------------------------------------------------------


def test_docx_text_reads_paragraphs_and_table_cells_in_order():
    content = make_docx(
        "个人主要先进事迹", DEEDS, table=[["姓名", "王小满"], ["单位", "示范供电公司"]]
    )
    text = docx_text(io.BytesIO(content))
    assert text == f"个人主要先进事迹\n{DEEDS}\n姓名\n王小满\n单位\n示范供电公司"


def test_docx_character_count_counts_like_count_characters():
    content = make_docx("个人主要先进事迹", "　　" + DEEDS, "", "2018 年")
    assert docx_character_count(io.BytesIO(content)) == 8 + 31 + 5
    assert count_characters(DEEDS) == 31


def test_docx_text_counts_a_text_box_once_and_skips_deleted_text_and_field_codes():
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    body = (
        f'<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent xmlns:mc="{mc}">'
        "<mc:Choice><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent>"
        "</mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>"
        "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        "<w:p><w:del><w:r><w:delText>删除的</w:delText></w:r></w:del>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>保留</w:t><w:tab/>"
        "<w:t>制表</w:t><w:br/><w:t>换行</w:t></w:r></w:p>"
    )
    content = rezip(make_docx(), replace={"word/document.xml": document_xml(body)})
    assert docx_text(io.BytesIO(content)) == "文本框\n正文\n保留\t制表\n换行"


def test_docx_text_restores_the_position():
    f = io.BytesIO(make_docx(DEEDS))
    f.seek(5)
    assert docx_text(f) == DEEDS
    assert f.tell() == 5


def test_open_docx_safely_returns_the_open_zip():
    with open_docx_safely(io.BytesIO(make_docx(DEEDS))) as archive:
        assert "word/document.xml" in archive.namelist()


# --- Word: hostile files -------------------------------------------------------------------


def test_a_docx_with_macros_is_refused():
    content = rezip(make_docx(DEEDS), replace={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    message = refusal(
        check_upload, upload("事迹.docx", content), accept={FileKind.DOCX}, max_bytes=MB
    )
    assert (
        message
        == "Word 文件“事迹.docx”被拒绝：文件含有宏。请另存为不含宏的 Word 文档（.docx）后重新上传。"
    )


def test_a_docx_with_a_macro_enabled_content_type_is_refused():
    original = make_docx(DEEDS)
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    content = rezip(original, replace={"[Content_Types].xml": types})
    assert refusal(docx_text, io.BytesIO(content), name="事迹.docm") == (
        "Word 文件“事迹.docm”被拒绝：文件含有宏。请另存为不含宏的 Word 文档（.docx）后重新上传。"
    )


def test_a_zip_bomb_is_refused_before_it_is_inflated(zip_bomb):
    assert len(zip_bomb) < MB
    tracemalloc.start()
    started = time.perf_counter()
    message = refusal(
        check_upload, upload("炸弹.docx", zip_bomb), accept={FileKind.DOCX}, max_bytes=MB
    )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert message == "Word 文件“炸弹.docx”被拒绝：解压后将超过 50 MB（可能是压缩炸弹）。"
    assert peak < 5 * MB
    assert elapsed < 1


def test_a_central_directory_that_lies_about_the_size_does_not_inflate_the_bomb(zip_bomb):
    lying = patch_central_directory(zip_bomb, "word/document.xml", 24, "<I", 1000)
    tracemalloc.start()
    message = refusal(docx_text, io.BytesIO(lying), name="炸弹.docx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # zipfile stops at the declared size and the CRC no longer matches: a damaged file.
    assert message == "无法读取 Word 文件“炸弹.docx”：文件已损坏或不是 .docx 文档。"
    assert peak < 5 * MB


def test_a_part_compressed_too_well_is_refused():
    content = rezip(make_docx(DEEDS), replace={"word/media/image1.png": bytes(2 * MB)})
    assert refusal(docx_text, io.BytesIO(content), name="事迹.docx") == (
        "Word 文件“事迹.docx”被拒绝：其中某部分的压缩比超过 200 倍（可能是压缩炸弹）。"
    )


def test_parts_too_large_in_all_are_refused(monkeypatch):
    monkeypatch.setattr(uploads, "DOCX_MAX_TOTAL_BYTES", 3 * MB)
    # Incompressible parts: no ratio to refuse, only their sum.
    media = {f"word/media/image{i}.png": os.urandom(MB + MB // 2) for i in range(2)}
    content = rezip(make_docx(DEEDS), replace=media)
    assert refusal(docx_text, io.BytesIO(content), name="事迹.docx") == (
        "Word 文件“事迹.docx”被拒绝：解压后将超过 3 MB（可能是压缩炸弹）。"
    )


def test_a_zip_of_too_many_parts_is_refused_before_it_is_parsed(monkeypatch):
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": document_xml("")}
    entries |= {f"word/media/{i}.png": b"" for i in range(2000)}
    f = upload("事迹.docx", make_zip(entries))

    def parse_every_entry(*args, **kwargs):
        raise AssertionError("the end record alone should have refused it")

    monkeypatch.setattr(zipfile, "ZipFile", parse_every_entry)
    message = refusal(check_upload, f, accept={FileKind.DOCX}, max_bytes=MB)
    assert message == "Word 文件“事迹.docx”被拒绝：含有 2002 个部件，超过 2000 个。"


def test_an_encrypted_part_is_refused():
    content = patch_central_directory(make_docx(DEEDS), "word/document.xml", 8, "<H", 0x1)
    assert refusal(docx_text, io.BytesIO(content), name="事迹.docx") == (
        "Word 文件“事迹.docx”已加密，请取消密码后重新上传。"
    )


DOCTYPE_REFUSED = (
    "Word 文件“事迹.docx”被拒绝：正文声明了 XML 实体（DOCTYPE），正常的 Word 文件不会包含。"
)
XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
BILLION_LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize(
    ("prolog", "entity"),
    [(XXE, "&xxe;"), (BILLION_LAUGHS, "&lol9;")],
    ids=["xxe", "billion-laughs"],
)
def test_a_document_declaring_entities_is_refused_not_expanded(prolog, entity):
    body = f"<w:p><w:r><w:t>{entity}</w:t></w:r></w:p>"
    content = rezip(make_docx(), replace={"word/document.xml": document_xml(body, prolog)})
    started = time.perf_counter()
    message = refusal(
        check_upload, upload("事迹.docx", content), accept={FileKind.DOCX}, max_bytes=MB
    )
    assert time.perf_counter() - started < 1
    assert message == DOCTYPE_REFUSED
    assert refusal(docx_character_count, io.BytesIO(content), name="事迹.docx") == message


def test_a_doctype_split_across_two_reads_is_refused_before_parsing():
    # Were it parsed, libxml2 would stop these laughs itself, but call the file damaged.
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
    padding = "<!--" + "x" * (uploads.READ_CHUNK - 4 - 3 - 4) + "-->"  # 64 KB ending in <!DO
    document = f"{padding}{BILLION_LAUGHS}{xml}</w:document>".encode()
    assert document[uploads.READ_CHUNK - 4 : uploads.READ_CHUNK] == b"<!DO"
    content = rezip(make_docx(), replace={"word/document.xml": document})
    assert refusal(docx_text, io.BytesIO(content), name="事迹.docx") == DOCTYPE_REFUSED


def test_a_doctype_that_only_the_parser_sees_is_refused_at_the_root():
    body = "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    xml = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    utf16 = f'<?xml version="1.0" encoding="UTF-16"?>{XXE}{xml}'.encode("utf-16")
    assert b"<!DOCTYPE" not in utf16
    content = rezip(make_docx(), replace={"word/document.xml": utf16})
    assert refusal(docx_text, io.BytesIO(content), name="事迹.docx") == DOCTYPE_REFUSED


def test_an_undeclared_entity_is_unreadable():
    body = "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    content = rezip(make_docx(), replace={"word/document.xml": document_xml(body)})
    assert refusal(docx_text, io.BytesIO(content), name="事迹.docx") == (
        "无法读取 Word 文件“事迹.docx”：文件已损坏或不是 .docx 文档。"
    )


# --- docx_document_xml: the importer's cheaper reading, with the same refusals ---------------


def test_docx_document_xml_gives_the_document_part_and_restores_the_position():
    content = make_docx(DEEDS)
    f = io.BytesIO(content)
    f.seek(7)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert docx_document_xml(f, name="事迹.docx") == archive.read("word/document.xml")
    assert f.tell() == 7


def _split_doctype() -> bytes:
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
    padding = "<!--" + "x" * (uploads.READ_CHUNK - 4 - 3 - 4) + "-->"
    return f"{padding}{BILLION_LAUGHS}{xml}</w:document>".encode()


def _utf16_doctype() -> bytes:
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body>'
    return f'<?xml version="1.0" encoding="UTF-16"?>{XXE}{xml}</w:document>'.encode("utf-16")


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (document_xml("", prolog=XXE), "DOCTYPE"),
        (document_xml("", prolog=BILLION_LAUGHS), "DOCTYPE"),
        (_split_doctype(), "DOCTYPE"),
        (_utf16_doctype(), "DOCTYPE"),
        (b'<?xml version="1.0"?><html><body/></html>', "unreadable"),
        (b"<w:document", "unreadable"),
        (b"", "unreadable"),
    ],
    ids=["xxe", "billion-laughs", "split-doctype", "utf-16-doctype", "not-word", "cut", "empty"],
)
def test_docx_document_xml_refuses_what_docx_text_refuses(document, expected):
    content = rezip(make_docx(), replace={"word/document.xml": document})
    message = refusal(docx_document_xml, io.BytesIO(content), name="事迹.docx")
    assert message == refusal(docx_text, io.BytesIO(content), name="事迹.docx")
    if expected == "DOCTYPE":
        assert message == DOCTYPE_REFUSED
    else:
        assert message == "无法读取 Word 文件“事迹.docx”：文件已损坏或不是 .docx 文档。"


def test_docx_document_xml_caps_a_lying_bomb_and_refuses_macros(zip_bomb):
    lying = patch_central_directory(zip_bomb, "word/document.xml", 24, "<I", 1000)
    tracemalloc.start()
    message = refusal(docx_document_xml, io.BytesIO(lying), name="炸弹.docx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert message == "无法读取 Word 文件“炸弹.docx”：文件已损坏或不是 .docx 文档。"
    assert peak < 5 * MB
    assert "解压后将超过 50 MB" in refusal(
        docx_document_xml, io.BytesIO(zip_bomb), name="炸弹.docx"
    )
    macros = rezip(make_docx(DEEDS), replace={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert "宏" in refusal(docx_document_xml, io.BytesIO(macros), name="事迹.docx")
