"""Progress bars for management commands: tqdm on the command's stderr, shown on a terminal
only (disable=None), so logs and cron mails stay clean."""

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.core.management.base import OutputWrapper
from tqdm import tqdm

T = TypeVar("T")


def stream(output: OutputWrapper) -> Any:
    # OutputWrapper adds a newline to every write; tqdm redraws its line with "\r".
    return getattr(output, "_out", output)


def bar(output: OutputWrapper, *, total: int | None = None, desc: str = "", unit: str = "") -> tqdm:
    return tqdm(
        total=total, desc=desc, unit=unit or "it", file=stream(output), disable=None, leave=True
    )


def each(
    output: OutputWrapper, items: Iterable[T], *, desc: str = "", unit: str = ""
) -> Iterator[T]:
    items = list(items)
    with bar(output, total=len(items), desc=desc, unit=unit) as progress:
        for item in items:
            yield item
            progress.update(1)


def note(progress: tqdm, output: OutputWrapper, message: str) -> None:
    """A line of text: above the bar on a terminal, a plain line otherwise (logs, cron mail)."""
    if progress.disable:
        output.write(message)
    else:
        progress.write(message, file=progress.fp)
