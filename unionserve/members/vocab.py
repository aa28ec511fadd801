"""The coded fields of a member: one vocabulary each, used by the model, the forms, the API and the import.

Each vocabulary is a ``TextChoices`` of stable ASCII codes (what the database and the API hold) with an English
label translated for the pages, and the **template term** (模板用语): the Chinese word the import template
(``members.template``) asks for and the export writes, the same in every site language. The model field has
the choices and a CHECK constraint, the edit form a select, the API schema an enum, and the import maps the
template term (or the code) to the code, refusing anything else with :data:`NOT_ALLOWED`, the message the form
gives too.

The Chinese labels of the catalog are the template terms, so a clerk reads one word everywhere.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.constraints import one_of_constraint


class Employment(models.TextChoices):
    """就业状态."""

    EMPLOYED = "employed", pgettext_lazy("employment status", "Employed")
    FLEXIBLE = "flexible", pgettext_lazy("employment status", "Flexibly employed")
    AWAITING = "awaiting", pgettext_lazy("employment status", "Awaiting a post")
    UNEMPLOYED = "unemployed", pgettext_lazy("employment status", "Unemployed")
    RETIRED = "retired", pgettext_lazy("employment status", "Retired")


class Education(models.TextChoices):
    """文化程度."""

    JUNIOR_OR_BELOW = "junior_or_below", pgettext_lazy("education", "Junior secondary or below")
    SENIOR_SECONDARY = "senior_secondary", pgettext_lazy("education",
                                                         "Senior secondary, vocational or technical school")
    COLLEGE = "college", pgettext_lazy("education", "Junior college")
    BACHELOR = "bachelor", pgettext_lazy("education", "Bachelor's degree")
    MASTER = "master", pgettext_lazy("education", "Master's degree")
    DOCTORATE = "doctorate", pgettext_lazy("education", "Doctorate")


class Hukou(models.TextChoices):
    """户籍类型: Beijing or elsewhere, urban or agricultural registration."""

    LOCAL_URBAN = "local_urban", pgettext_lazy("household registration", "Beijing, urban")
    LOCAL_RURAL = "local_rural", pgettext_lazy("household registration", "Beijing, agricultural")
    NONLOCAL_URBAN = "nonlocal_urban", pgettext_lazy("household registration", "Outside Beijing, urban")
    NONLOCAL_RURAL = "nonlocal_rural", pgettext_lazy("household registration", "Outside Beijing, agricultural")


#: The template term of every code: what the import reads and the export writes.
TERMS: dict[type[models.TextChoices], dict[str, str]] = {
    Employment: {
        Employment.EMPLOYED: "在职", Employment.FLEXIBLE: "灵活就业", Employment.AWAITING: "待岗",
        Employment.UNEMPLOYED: "失业", Employment.RETIRED: "退休",
    },
    Education: {
        Education.JUNIOR_OR_BELOW: "初中及以下", Education.SENIOR_SECONDARY: "高中、中专、技校",
        Education.COLLEGE: "大专", Education.BACHELOR: "本科", Education.MASTER: "硕士研究生",
        Education.DOCTORATE: "博士研究生",
    },
    Hukou: {
        Hukou.LOCAL_URBAN: "本市城镇", Hukou.LOCAL_RURAL: "本市农业", Hukou.NONLOCAL_URBAN: "外埠城镇",
        Hukou.NONLOCAL_RURAL: "外埠农业",
    },
}

#: Other spellings found in stored free text (before the fields were coded) that mean one code for certain.
#: Values that could mean two codes (研究生: master's or doctorate; 北京: urban or agricultural) are not here.
ALIASES: dict[type[models.TextChoices], dict[str, str]] = {
    Employment: {"在岗": Employment.EMPLOYED, "在职职工": Employment.EMPLOYED, "下岗": Employment.AWAITING},
    Education: {"初中": Education.JUNIOR_OR_BELOW, "小学": Education.JUNIOR_OR_BELOW,
                "高中/中专": Education.SENIOR_SECONDARY, "高中": Education.SENIOR_SECONDARY,
                "中专": Education.SENIOR_SECONDARY, "技校": Education.SENIOR_SECONDARY,
                "大学本科": Education.BACHELOR, "硕士": Education.MASTER, "博士": Education.DOCTORATE},
    Hukou: {},
}

#: The member fields and their vocabularies.
FIELDS: dict[str, type[models.TextChoices]] = {"employment": Employment, "education": Education, "hukou": Hukou}

#: The one refusal of a value outside a vocabulary, on the edit form and in the import's error report.
NOT_ALLOWED = _("Not one of the allowed values: %(values)s.")


def term(vocabulary: type[models.TextChoices], code: str) -> str:
    """The template term of a code ("" for "not known")."""
    return TERMS[vocabulary].get(code, code)


def allowed_terms(vocabulary: type[models.TextChoices]) -> str:
    """The template terms in the vocabulary's order, as the template's help text and the refusal list them."""
    return " / ".join(TERMS[vocabulary].values())


def reader(vocabulary: type[models.TextChoices]) -> dict[str, str]:
    """What the import accepts, mapped to the code: the template terms and the codes themselves."""
    return {**{t: c for c, t in TERMS[vocabulary].items()}, **{c: c for c in vocabulary.values}}


def to_code(vocabulary: type[models.TextChoices], value: str) -> str | None:
    """A stored or typed value as a code: "" stays "", a term, code or certain alias maps; anything else None."""
    value = (value or "").strip()
    if not value:
        return ""
    return reader(vocabulary).get(value) or ALIASES[vocabulary].get(value)


def constraint(field: str) -> models.CheckConstraint:
    """The database's guard of a coded field: one of the codes, or empty ("not known")."""
    vocabulary = FIELDS[field]
    return one_of_constraint(field, ["", *vocabulary.values], name=f"member_{field}_coded")


def labels(vocabulary: type[models.TextChoices]) -> str:
    """The labels in the vocabulary's order (in Chinese, the template terms), as the form's refusal lists them."""
    return " / ".join(str(label) for label in vocabulary.labels)


class CodeField(forms.ChoiceField):
    """A select of one vocabulary, "—" for not known; anything else is refused with :data:`NOT_ALLOWED`."""

    def __init__(self, vocabulary: type[models.TextChoices], **kwargs) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("required", False)
        super().__init__(choices=[("", "—"), *vocabulary.choices], **kwargs)

    def validate(self, value) -> None:
        if value and value not in self.vocabulary.values:
            raise forms.ValidationError(NOT_ALLOWED, code="invalid_choice",
                                        params={"values": labels(self.vocabulary)})
        super().validate(value)
