"""Browser tests: pytest-playwright driving Debian's Chromium (`scripts/setup-debian`).

`playwright install` cannot download browsers on our machines, so the tests launch the
`chromium` Debian package. Without it they are skipped on a developer's machine, and fail in
CI (where the CI environment variable is set): a CI run must never pass without them.

Playwright runs for this package only. Its sync API leaves an asyncio event loop marked as
running in the test thread between calls; pytest-playwright keeps it so until the end of the
session, which would break every test that runs after the first browser test: Django's ORM
refuses to run (SynchronousOnlyOperation), asgiref's async_to_sync and a second
`sync_playwright()` refuse to start. So the fixtures that hold Playwright and the browser are
package-scoped here: Playwright starts before the first test of tests/browser and stops after
the last, and DJANGO_ALLOW_ASYNC_UNSAFE is set in between only. Put browser tests in this folder.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserType, Page, Playwright, sync_playwright


class OneRequestAtATime(WSGIServer):
    """The live server, serving one request at a time. On SQLite the test database is in
    memory and the server's threads share the test's one connection (Django's
    connections_override): two requests at once — an autosave and the filing it races, a page
    and its htmx fragment — would run inside each other's transactions, and once in a while a
    journey failed for it. Served in turn, they are what the application sees in production,
    where each worker has its own connection. (Not threaded, the server closes each connection
    after its response, so the browser's other requests never wait behind a kept-alive one.)"""

    def __init__(self, *args, connections_override=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = OneRequestAtATime

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--lang=zh-CN",
]
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
SCREENSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@pytest.fixture(scope="session", autouse=True)
def chromium_executable() -> Path:
    """Debian's Chromium; skip without it, except in CI, where its absence is an error."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"{CHROMIUM} is missing: install it with `sudo scripts/setup-debian`."
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the browser tests: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable) -> dict:
    return {
        **browser_type_launch_args,  # keeps --headed and --slowmo working
        "executable_path": str(chromium_executable),
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="package")
def playwright(_pw_api_request_contexts) -> Iterator[Playwright]:
    """pytest-playwright's `playwright`, for this package only (see the module docstring)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # The tests use the ORM (live_server, load_demo) while Playwright's loop is marked as
    # running. That is safe: the test thread and the live server's threads each have their own
    # database connection, and the loop never runs Django code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    try:
        if _pw_api_request_contexts:  # --tracing: record playwright.request calls too
            _pw_api_request_contexts.instrument(pw)
        yield pw
    finally:
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type: BrowserType) -> Callable[..., Browser]:
    def launch(**kwargs) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative URLs such as `page.goto("/accounts/login/")` go to pytest-django's live server.

    Overriding it also keeps pytest-playwright 0.10's own `base_url` fallback from running: that
    one is an instance-method session fixture, which pytest 9 warns will break in pytest 10.
    """
    return live_server.url


@pytest.fixture(scope="package")
def browser_context_args(
    pytestconfig, playwright: Playwright, device, base_url, _pw_artifacts_folder
) -> dict:
    """pytest-playwright's context options (--device, --video), in Chinese, desktop-sized."""
    args = dict(playwright.devices[device]) if device else {"viewport": DESKTOP}
    if pytestconfig.getoption("--video") in {"on", "retain-on-failure"}:
        args["record_video_dir"] = _pw_artifacts_folder.name
    return {**args, "base_url": base_url, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """`screenshot(name)` saves a full-page PNG as test-output/screenshots/<name>.png."""

    def take(name: str) -> Path:
        if not SCREENSHOT_NAME.fullmatch(name):
            raise ValueError(f"screenshot name must be a plain file name, not {name!r}")
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
