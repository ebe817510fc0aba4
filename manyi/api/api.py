"""The REST API, version 1 (/api/v1/): django-ninja over the same services and permission rules
as the pages. Nothing here decides who may do what: each route asks the rule the page asks
(`user.has_perm`, the predicates of accounts/nominations permissions, the access helpers), and
every change goes through the service the page calls.

Authentication: a personal token (`Authorization: Bearer manyi_…`, see services.py) or the
browser's session (for /api/v1/docs; unsafe methods then need the CSRF token). A token that is
presented and not usable is refused with 401 even if a session is also present.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from manyi.accounts.models import User
from manyi.api import errors
from manyi.api.catalogue import catalogue, organizations
from manyi.api.errors import TokenRefused
from manyi.api.files import files
from manyi.api.judges import judging_router
from manyi.api.nominations import nominations
from manyi.api.results import public, rankings
from manyi.api.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token)
        if user is None:
            raise TokenRefused
        return user


class ReadableJSON(JSONRenderer):
    """Chinese as characters, not \\u escapes (JSON is UTF-8)."""

    json_dumps_params = {"ensure_ascii": False}


class BrowserSession(SessionAuth):
    """The signed-in browser (the docs page); CSRF is checked on unsafe methods."""


class ManyiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """`manyi_api_api_<function>`, as when every route lived in this module: generated
        clients keep their operation ids whichever module now defines a route. Unique
        (test_schema checks)."""
        return f"manyi_api_api_{operation.view_func.__name__}"


api = ManyiAPI(
    title="满意 · 用户满意服务评选 API",
    version="1",
    description=(
        "评选活动、类别、评分标准、组织、申报、状态流转、评审任务、评分、排名、公示与结果。"
        "认证：请求头 `Authorization: Bearer <个人令牌>`（在“API 令牌”页面创建），"
        "或浏览器登录会话（修改类请求须带 X-CSRFToken）。"
        "错误统一为 JSON：{code, message, details}。"
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), BrowserSession()],
    renderer=ReadableJSON(),
)
errors.install(api)

for router in (catalogue, organizations, nominations, files, judging_router, rankings, public):
    api.add_router("", router)
