"""Forms of the editors' pages and of the public catalogue and newsletter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.publications.models import (
    LANGUAGES,
    Kind,
    Publication,
    Topic,
    validate_legal_deposit,
)
from balise.taxonomy.loader import load


def topic_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Topics grouped by vocabulary: forms of exploitation, then sectors (labels translated)."""
    dictionary = load()
    return [
        (
            str(vocabulary.label),
            [
                (f"{vocabulary.value}:{code}", label)
                for code, label in dictionary[vocabulary.value].choices()
            ],
        )
        for vocabulary in Topic.Vocabulary
    ]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def topic_label(key: str) -> str:
    vocabulary, _sep, code = key.partition(":")
    entry = load()[vocabulary].get(code)
    return entry.label() if entry else key


class PublicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    authors = forms.CharField(
        label=_("Authors"),
        max_length=500,
        required=False,
        help_text=_("Names separated by commas."),
    )
    published_on = forms.DateField(
        label=_("Publication date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    legal_deposit = forms.CharField(
        label=_("Legal deposit number"),
        max_length=20,
        required=False,
        validators=[validate_legal_deposit],
        help_text=_("Belgian legal deposit, D/YYYY/NNNN/N (optional)."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "topics").choices = topic_choices()

    @staticmethod
    def initial_of(publication: Publication) -> dict[str, Any]:
        return {
            "kind": publication.kind,
            "authors": publication.authors,
            "published_on": publication.published_on,
            "legal_deposit": publication.legal_deposit,
            "topics": [topic.key for topic in publication.topics.all()],
        }


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    abstract = forms.CharField(
        label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    pdf = forms.FileField(
        label=_("PDF file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("A PDF without password or scripts; it replaces the current file."),
    )


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = ("", _("All"))
        _choice_field(self, "kind").choices = [every, *Kind.choices]
        _choice_field(self, "topic").choices = [every, *topic_choices()]
        _choice_field(self, "year").choices = [every, *((year, str(year)) for year in years)]
        _choice_field(self, "language").choices = [every, *LANGUAGES]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=LANGUAGES)


class IssueForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: **bold**, *italics*, lists, headings and links."),
    )
