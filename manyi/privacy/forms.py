"""The registration form: what the browser sent, kept as typed on every error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Organization, OrganizationKind
from manyi.core.formats import validate_mobile


class RegistrationForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={"invalid": "登录名只能包含英文字母、数字和 _ . @ + - 符号。"},
    )
    display_name = forms.CharField(label=_("Full name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, validators=[validate_mobile])
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(kind=OrganizationKind.EMPLOYER).order_by("name"),
        empty_label="——",
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        if not cleaned.get("consent"):
            self.add_error("consent", "请阅读并同意《个人信息处理规则》后再注册。")
        for key in ("username", "display_name", "email"):
            value = cleaned.get(key) or ""
            if any(ord(ch) < 32 for ch in value):
                self.add_error(key, "请勿输入控制字符。")
        return cleaned
