"""The API's interactive docs (/api/v1/docs) in a real browser, under the strict CSP: Swagger UI
comes from our own static files (django-ninja's), renders every operation, calls the API, and
the browser reports no CSP violation."""

import pytest
from playwright.sync_api import Page, expect

from manyi.demo.services import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_api_docs_render_and_run_under_the_csp(live_server, page: Page, screenshot):
    load_demo()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )

    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("满意")
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/campaigns").first
    ).to_be_visible()
    operation = page.locator("#operations-campaigns-manyi_api_api_list_campaigns")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".response .response-col_status").first).to_contain_text("200")
    screenshot("api-docs")
    assert violations == []
    assert outside == []
