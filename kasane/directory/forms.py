"""Forms of the agency directory."""

from django import forms

from kasane.core.forms import SafeModelMultipleChoiceField

from .models import Agency, Field


class AgencySearchForm(forms.Form):
    q = forms.CharField(
        label="キーワード",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "例：ひきこもり、住まい、包括"}),
    )
    theme = forms.ModelChoiceField(
        label="テーマ", queryset=None, required=False, empty_label="すべてのテーマ"
    )
    field = forms.ChoiceField(label="分野", required=False, choices=[("", "すべての分野"), *Field.choices])

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes


class AgencyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Agency
        fields = [
            "name",
            "field",
            "legal_item",
            "operation",
            "contractor",
            "section",
            "site_count",
            "catchment",
            "address",
            "phone",
            "hours",
            "themes",
            "description",
            "is_active",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"themes": SafeModelMultipleChoiceField}

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
        self.fields["site_count"].min_value = 1
        self.fields["site_count"].max_value = 9999

    def validate_unique(self):
        # Uniqueness is checked by the service (with the municipality), not by the form.
        pass


class ThemeForm(forms.Form):
    name = forms.CharField(label="テーマ", max_length=50)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reading = forms.CharField(
        label="よみ（ひらがな）",
        max_length=100,
        required=False,
        help_text="検索用。空白で区切って複数書けます。",
    )
