from django.contrib.auth import views as auth_views
from django.urls import path

from manyi.accounts import views
from manyi.twofactor.views import LoginView as TwoFactorLoginView

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        TwoFactorLoginView.as_view(),  # the password step; a second step when TOTP is on
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("notifications/", views.notifications, name="notifications"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/release/", views.release_outbox, name="release_outbox"),
]
