from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "满意 · 用户满意服务评选管理"
admin.site.site_title = "满意"
admin.site.index_title = "秘书处管理"

urlpatterns = [
    path("", include("manyi.campaigns.urls")),
    path("", include("manyi.core.urls")),
    path("accounts/", include("manyi.accounts.urls")),
    path("accounts/twofactor/", include("manyi.twofactor.urls")),
    path("audit/", include("manyi.audit.urls")),
    path("nominations/", include("manyi.nominations.urls")),
    path("reviews/", include("manyi.reviews.urls")),
    path("documents/", include("manyi.documents.urls")),
    path("dashboard/", include("manyi.dashboard.urls")),
    path("privacy/", include("manyi.privacy.urls")),
    path("", include("manyi.reviews.public_urls")),
    path("", include("manyi.api.urls")),
    path("admin/", admin.site.urls),
]
