from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """The filters of the audit page; every field optional."""

    who = forms.CharField(label=_("User name"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    nomination = forms.IntegerField(
        label=_("Nomination id"),
        required=False,
        min_value=1,
        error_messages={"invalid": "申报编号应为正整数。", "min_value": "申报编号应为正整数。"},
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写正确的日期，如 2018-03-01。"},
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写正确的日期，如 2018-03-01。"},
    )

    def __init__(self, *args, object_types: list[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "—")] + [(t, t) for t in object_types]

    def clean(self) -> dict:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "结束日期不能早于开始日期。")
        return cleaned
