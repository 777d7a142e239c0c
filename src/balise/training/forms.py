"""Forms of the trainings: the editors' course and session forms, the public registration form
(with the session's own questions), the evaluation form and the public filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.training.models import LANGUAGE_CHOICES, Course, Evaluation, Session
from balise.training.selectors import province_choices, sector_choices
from balise.training.services import COURSE_FIELDS, SESSION_FIELDS

MAX_QUESTIONS = 10

# ModelForm is generic for the type checker only (django-stubs); at run time it is not
# subscriptable, and the project does not install django-stubs-ext's monkeypatch for one use.
if TYPE_CHECKING:
    CourseFormBase = forms.ModelForm[Course]
    SessionFormBase = forms.ModelForm[Session]
else:
    CourseFormBase = SessionFormBase = forms.ModelForm


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CourseForm(CourseFormBase):
    audience_sectors = forms.MultipleChoiceField(
        label=_("Audience sectors"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Course
        fields = list(COURSE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sectors = self.fields["audience_sectors"]
        assert isinstance(sectors, forms.MultipleChoiceField)
        sectors.choices = sector_choices()


class SessionForm(SessionFormBase):
    province = forms.ChoiceField(label=_("Province"), required=False)
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https", max_length=200
    )
    external_registration_url = forms.URLField(
        label=_("External registration page"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("When set, people register on the partner's page instead of here."),
    )
    questions_text = forms.CharField(
        label=_("Extra questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line; people must answer each one to register."),
    )

    class Meta:
        model = Session
        # The service's fields, but the course (from the URL) and the questions (edited as text).
        fields = [name for name in SESSION_FIELDS if name not in ("course", "questions")]
        # "Places" alone is translated as a venue ("Lieux") elsewhere in the house.
        labels = {"capacity": _("Number of places")}
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_deadline": DateTimeInput(),
            "cancellation_deadline": DateTimeInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        assert isinstance(province, forms.ChoiceField)
        province.choices = [("", _("None (online)")), *province_choices()]
        if self.instance.pk:
            self.fields["questions_text"].initial = "\n".join(self.instance.questions)

    def clean_questions_text(self) -> list[str]:
        text: str = self.cleaned_data.get("questions_text") or ""
        questions = [line.strip() for line in text.splitlines() if line.strip()]
        if len(questions) > MAX_QUESTIONS:
            raise forms.ValidationError(
                _("At most %(n)s questions.") % {"n": MAX_QUESTIONS}, code="too_many"
            )
        if any(len(q) > 300 for q in questions):
            raise forms.ValidationError(_("A question is at most 300 characters long."))
        return questions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        registration, cancellation = (
            data.get("registration_deadline"),
            data.get("cancellation_deadline"),
        )
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        if starts and registration and registration > starts:
            self.add_error(
                "registration_deadline", _("Registration must close before the session starts.")
            )
        if starts and cancellation and cancellation > starts:
            self.add_error(
                "cancellation_deadline", _("Cancellation must close before the session starts.")
            )
        if not data.get("address") and not data.get("online_url"):
            self.add_error("address", _("Give an address, an online meeting link, or both."))
        if data.get("address") and not data.get("province"):
            self.add_error("province", _("Choose the province of the address."))
        data["questions"] = data.get("questions_text", [])
        return data


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    study = forms.CharField(
        label=_("Course of study"),
        max_length=200,
        required=False,
        help_text=_("For students: your school and course of study."),
    )
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("I agree that my data is processed as the privacy notice describes."),
        required=True,
        error_messages={"required": _("Please tick the box to accept the privacy notice.")},
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        sector = self.fields["sector"]
        assert isinstance(sector, forms.ChoiceField)
        sector.choices = [("", _("— (student or other)")), *sector_choices()]
        for number, question in enumerate(session.questions):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": _("Please answer this question.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("sector") and not (data.get("study") or "").strip():
            self.add_error(
                "sector", _("Choose your sector, or give your course of study if you study.")
            )
        return data

    @property
    def answers(self) -> list[str]:
        return [
            self.cleaned_data[f"answer_{n}"].strip() for n in range(len(self.session.questions))
        ]


SCALE_CHOICES = [(str(v), str(v)) for v in range(1, 6)]


class EvaluationForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Overall, how good was this training?"),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    content = forms.TypedChoiceField(
        label=_("Was the content clear and relevant?"),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    trainer = forms.TypedChoiceField(
        label=_("How good was the trainer?"),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful is it for your work?"),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should we keep, change or add? Please do not name anyone."),
    )

    SCORES = Evaluation.SCORES


class FilterForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    mode = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All")), ("in_person", _("In person")), ("online", _("Online"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        for name, choices in (
            ("language", LANGUAGE_CHOICES),
            ("sector", sector_choices()),
            ("province", province_choices()),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [everything, *choices]


class ParticipantForm(forms.Form):
    """An editor adds someone from a partner's list."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    study = forms.CharField(label=_("Course of study"), max_length=200, required=False)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of mails"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector = self.fields["sector"]
        assert isinstance(sector, forms.ChoiceField)
        sector.choices = [("", _("— (student or other)")), *sector_choices()]


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person"), max_length=254)
