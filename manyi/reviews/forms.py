from django import forms

from manyi.nominations.forms import ChineseDateField
from manyi.reviews.services import CHECK_ITEMS


class EndorsementForm(forms.Form):
    opinion = forms.CharField(
        label="推荐意见", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    signer = forms.CharField(label="单位负责人签字（输入姓名）", max_length=100, required=False)
    seal = forms.FileField(label="签字盖章页（扫描件：图片或PDF）", required=False)

    def __init__(self, *args, attestable: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.attestable = attestable
        for number in attestable:
            self.fields[f"attest_{number}"] = forms.BooleanField(
                label=f"确认符合推荐条件第{number}条", required=False
            )

    def attested(self) -> list[int]:
        return [n for n in self.attestable if self.cleaned_data.get(f"attest_{n}")]


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label="退回理由（请一次性写明需要修改的全部内容）", widget=forms.Textarea(attrs={"rows": 4})
    )


class FormalCheckForm(forms.Form):
    notes = forms.CharField(
        label="说明（一次性告知需补正的全部内容）",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    deadline = ChineseDateField(
        label="补正期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CHECK_ITEMS.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(key)) for key in CHECK_ITEMS}
