"""Static files taken from npm packages: only the files the pages load, not whole `dist` folders
(ECharts' dist is over 100 MB once collected and compressed; the pages need one file of it)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# static path → file under node_modules (package-lock.json pins the versions; `make install`).
VENDORED = {
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.root = Path(settings.BASE_DIR) / "node_modules"

    def check(self, **kwargs: Any) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        source = VENDORED.get(path)
        found = str(self.root / source) if source and (self.root / source).is_file() else None
        if find_all:
            return [found] if found else []
        return found or []

    def list(self, ignore_patterns: Any):
        for path, source in VENDORED.items():
            file = self.root / source
            if file.is_file():
                storage = FileSystemStorage(location=str(file.parent))
                storage.prefix = str(Path(path).parent)
                yield file.name, storage
