"""Forms for logging in, passwords, tokens and user management."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from unionserve.core.forms import StyledForm, StyledFormMixin
from unionserve.core.roles import GRANT_ADMIN_ROLES, ROLE_SPECS, Role
from unionserve.core.text import StrOrPromise
from unionserve.orgs.forms import ScopedForm, UnitCodeField


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong user name or password. Note that both are case-sensitive."),
        "inactive": _("This account is deactivated. Ask your administrator."),
    }


class ChangePasswordForm(StyledFormMixin, PasswordChangeForm):
    pass


class TokenForm(StyledForm):
    name = forms.CharField(label=_("Token name"), max_length=60, help_text=_("What will use it, e.g. a report script."))


def role_choices(acting_user) -> list[tuple[str, StrOrPromise]]:
    """Roles the acting user may hand out."""
    can_privileged = acting_user.has_perm(GRANT_ADMIN_ROLES)
    return [(r.value, r.label) for r in Role if can_privileged or not ROLE_SPECS[r].privileged]


class UserForm(ScopedForm):
    username = forms.RegexField(
        label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    display_name = forms.CharField(label=_("Name"), max_length=60)
    org_unit = UnitCodeField(label=_("Org unit (code)"), help_text=_("The code shown on the unit's page."))
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)
    phone = forms.CharField(label=_("Work phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = role_choices(self.user)
        if editing:
            del self.fields["username"]
        else:
            self.fields["password"] = forms.CharField(
                label=_("Temporary password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                help_text=_("The user must change it at first login."),
            )
            self.fields["password"].widget.attrs["class"] = "form-control"

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class ResetPasswordForm(StyledForm):
    password = forms.CharField(
        label=_("Temporary password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class UserFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    active = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("1", _("Active")), ("0", _("Deactivated")), ("", _("All"))],
    )
