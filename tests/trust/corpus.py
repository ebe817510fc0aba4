"""The hostile-input corpus: text and files that people (or robots) send to break a form.

Plain data and tiny builders, no test library, so every form's test can run the same corpus.
Each entry is (id, value). A value is either harmless once escaped (script tags, SQL, template
syntax, formulas, right-to-left overrides: they may be saved and must come back as text) or
refused (NUL and other control characters, oversized values, hostile files): with a Chinese
message, nothing saved.
"""

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from manyi.demo.samples import PNG_1X1

MB = 1024 * 1024
SCRIPT = "<script>alert('manyi')</script>"
HAN = re.compile(r"[\u4e00-\u9fff]")

# --- text ------------------------------------------------------------------------------------

# Saved as typed where the field takes free text; shown escaped, never run.
ESCAPED_TEXT: list[tuple[str, str]] = [
    ("script", SCRIPT),
    ("html", '<img src=x onerror="alert(1)"><b>粗体</b><a href="javascript:alert(1)">链接</a>'),
    ("sql", "'; DROP TABLE nominations_nomination; --"),
    ("sql-union", "1' OR '1'='1' UNION SELECT username, password FROM accounts_user --"),
    ("template", "{{ request.user.password }}{% debug %}{% load static %}"),
    ("formula", "=cmd|' /C calc'!A0"),
    ("formula-plus", '+HYPERLINK("http://evil.example","点我")'),
    ("formula-at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("rtl-override", "王\u202ecod.exe\u202c小满"),
    ("zero-width", "王\u200b小\ufeff满"),
    ("astral", "𠀀𡃁👍🏽"),
    ("path", "../../etc/passwd"),
]

# Never stored: the form refuses (or strips, and says so) with a Chinese message.
REFUSED_TEXT: list[tuple[str, str]] = [
    ("nul", "王小满\x00"),
    ("nul-only", "\x00"),
    ("control", "王\x07小\x1b[31m满\x08"),
    ("c1-control", "王\x85小\x9b满"),
]

ONE_MEGABYTE = "满" * (MB // 3)  # ~1 MB in UTF-8, under Django's 2.5 MB request limit
GENERIC: list[tuple[str, str]] = [
    *ESCAPED_TEXT,
    *REFUSED_TEXT,
    ("one-megabyte", ONE_MEGABYTE),
    ("huge-number", "9" * 40),
    ("negative", "-1"),
    ("float", "1e308"),
    ("nan", "NaN"),
    ("fullwidth-digits", "１０"),
    ("date-nonsense", "2018-02-30"),
]


def over(limit: int, char: str = "满") -> str:
    """One character over a limit."""
    return char * (limit + 1)


def has_han(text: str) -> bool:
    return bool(HAN.search(text))


# --- files -----------------------------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="%s"/></Types>'
)
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document_xml(text: bytes, prolog: bytes = b"") -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog
    body = b'<w:document xmlns:w="' + W + b'"><w:body><w:p><w:r><w:t>' + text
    return head + body + b"</w:t></w:r></w:p></w:body></w:document>"


def make_docx(document: bytes, *, main: bytes = DOCX_MAIN, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES % main)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xxe_docx() -> bytes:
    prolog = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return make_docx(document_xml(b"&xxe;", prolog))


def billion_laughs_docx() -> bytes:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    return make_docx(document_xml(b"&lol9;", b"<!DOCTYPE w:document [" + entities + b"]>"))


def zip_bomb_docx() -> bytes:
    """A .docx whose body inflates 1000 times (a few KB packed, 8 MB unpacked)."""
    padding = b"<w:p/>" * (8 * MB // 6)
    body = document_xml(b"bomb").replace(b"</w:body>", padding + b"</w:body>")
    return make_docx(body)


def docm_renamed() -> bytes:
    """A macro-enabled Word document (.docm) renamed .docx."""
    return make_docx(
        document_xml("宏".encode()), main=DOCM_MAIN, extra={"word/vbaProject.bin": b"\xd0\xcf"}
    )


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


def hostile_files() -> list[tuple[str, str, bytes]]:
    """(id, file name, content) of files that every upload must refuse."""
    return [
        ("empty", "空文件.png", b""),
        ("exe-as-png", "照片.png", EXE),
        ("html-as-pdf", "证明.pdf", HTML),
        ("html-as-png", "证明.png", HTML),
        ("svg", "图.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("old-word", "旧文档.docx", OLE),
        ("zip-not-docx", "压缩包.docx", _plain_zip()),
        ("truncated-docx", "损坏.docx", make_docx(document_xml(b"x"))[:200]),
        ("xxe-docx", "外部实体.docx", xxe_docx()),
        ("billion-laughs-docx", "十亿笑.docx", billion_laughs_docx()),
        ("zip-bomb-docx", "炸弹.docx", zip_bomb_docx()),
        ("docm-renamed", "宏.docx", docm_renamed()),
    ]


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not word")
    return buffer.getvalue()


def oversized(limit: int, name: str = "超大.png") -> SimpleUploadedFile:
    """A real PNG padded one byte over `limit` (PNG readers ignore trailing bytes)."""
    content = PNG_1X1 + b"\x00" * (limit + 1 - len(PNG_1X1))
    return SimpleUploadedFile(name, content, content_type="image/png")


# Names that must never reach the file system as given; the file itself is a valid PNG.
HOSTILE_NAMES: list[tuple[str, str]] = [
    ("traversal", "../../etc/passwd.png"),
    ("windows-traversal", "..\\..\\windows\\system32\\证书.png"),
    ("absolute", "/etc/cron.d/证书.png"),
    ("nul", "证书\x00.php.png"),
    ("control", "证\x07书\x1b.png"),
    ("rtl", "证书\u202egnp.exe"),
    ("script", "<script>alert(1)</script>.png"),
    ("very-long", "长" * 1000 + ".png"),
    ("dots", "....png"),
]


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png(name: str = "证书.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_1X1, content_type="image/png")
