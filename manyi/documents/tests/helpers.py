"""Reading generated documents back: Word through python-docx, PDF through poppler-utils."""

import io
import shutil
import subprocess
from pathlib import Path

import docx
from docx.table import Table, _Cell
from PIL import Image


def read_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def unique_cells(table: Table) -> list[_Cell]:
    """The cells of a table in reading order, a merged cell once: python-docx repeats a merged
    cell in every grid position it covers, so they are told apart by their XML element."""
    seen: set[int] = set()
    cells = []
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
    return cells


def cell_texts(table: Table) -> list[str]:
    return [cell.text for cell in unique_cells(table)]


def in_order(text: str, needles: list[str]) -> list[str]:
    """The needles not found in `text` in this order (each searched from where the previous
    one starts, so two labels may share a cell)."""
    missing, position = [], 0
    for needle in needles:
        found = text.find(needle, position)
        if found < 0:
            missing.append(needle)
        else:
            position = found
    return missing


def run(tool: str, *args: str) -> str:
    """A poppler or LibreOffice tool, by its full path, on files the test made."""
    path = shutil.which(tool)
    assert path, f"{tool} is not installed (scripts/setup-debian)"
    return subprocess.run(  # noqa: S603  (our own files)
        [path, *args], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def pdf_text(path: Path) -> str:
    return run("pdftotext", "-layout", str(path), "-")


def pdf_fonts(path: Path) -> list[list[str]]:
    """pdffonts' rows: name, type…, emb, sub, uni, object, id."""
    return [line.split() for line in run("pdffonts", str(path)).splitlines()[2:]]


def inked_share(
    path: Path, tmp_path: Path, page: int = 1, box_mm: tuple[int, int, int, int] | None = None
) -> float:
    """The share of the pixels of a page (or of a box of it: left, top, right, bottom in mm)
    that are not white, rendered at 30 dpi."""
    prefix = tmp_path / f"page{page}"
    run(
        "pdftoppm",
        "-r",
        "30",
        "-png",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(path),
        str(prefix),
    )
    image = Image.open(f"{prefix}.png").convert("L")
    if box_mm is not None:
        image = image.crop(tuple(round(mm * 30 / 25.4) for mm in box_mm))
    pixels = image.tobytes()
    return sum(1 for p in pixels if p < 200) / len(pixels)


def finished_job(campaign, by):
    """A finished archive job with a small .zip on disk (without building the archive)."""
    import zipfile

    from django.conf import settings
    from django.utils import timezone

    from manyi.documents.models import ArchiveJob, ArchiveState

    job = ArchiveJob.objects.create(campaign=campaign, requested_by=by, total=1, done=1)
    relative = f"archives/test-{job.pk}.zip"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("说明.txt", "测试")
    job.state, job.path, job.size = ArchiveState.DONE, relative, target.stat().st_size
    job.finished_at = timezone.now()
    job.save()
    return job
