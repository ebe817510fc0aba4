"""The secretariat's forms: start an archive, import filled Word forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from manyi.campaigns.models import Campaign
from manyi.documents import services
from manyi.documents.importer import MAX_FILE_BYTES

MAX_FILES = 200


class ArchiveForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("-year"), empty_label=None
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".docx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(d, initial) for d in data]
        if isinstance(data, list | tuple):
            data = None  # none chosen: the field's "required" error
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(label=_("Word files (.docx)"))
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("-year"), empty_label=None
    )
    owner = forms.ModelChoiceField(
        label=_("Drafts belong to"),
        queryset=services.owners(),
        help_text=_(
            "The applicant account (or, for 附件5, the committee account) whose drafts the "
            "imported forms become."
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = lambda user: (
            f"{user.organization.name} · {user.display_name or user.username}"
            f"（{user.get_role_display()}）"
        )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多导入 {MAX_FILES} 个文件。")
        for f in files:
            if f.size > MAX_FILE_BYTES:
                raise forms.ValidationError(f"文件“{f.name}”超过 50 MB。")
        return files
