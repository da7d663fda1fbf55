"""The administrator's forms for people and API tokens. Lengths and characters come from
:mod:`kouka.domain.limits`, applied by :class:`kouka.domain.validation.Problems` (never a second check)."""

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kouka.domain import limits
from kouka.domain.validation import Problems
from kouka.web.models import Department, Membership, Role, TokenScope
from kouka.web.services.people import PersonFields
from kouka.web.services.tokens import TokenFields


class LimitedTextField(forms.CharField):
    """A one-line text held to a :class:`~kouka.domain.limits.TextLimit` (its length and forbidden characters)."""

    def __init__(self, limit: limits.TextLimit, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(max_length=limit.max_length, required=limit.required, **kwargs)

    def clean(self, value: Any) -> str:
        text = str(super().clean(value) or "")
        probe = Problems("", "")
        probe.text("", text, self.limit)
        if probe.found:
            raise forms.ValidationError([finding.message for finding in probe.found])
        return text


def department_field(departments: "QuerySet[Department]") -> "forms.ModelMultipleChoiceField[Department]":
    return forms.ModelMultipleChoiceField(
        label=_("担当課"), queryset=departments, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("担当課（編集者）は選んだ課の事業だけを入力できます"))


class PersonForm(forms.Form):
    """A person's 表示名, メールアドレス, 役割 and 担当課, as the administrator sets them."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    display_name = LimitedTextField(limits.DISPLAY_NAME, label=_("表示名"),
                                    help_text=_("履歴やコメントに表示される名前（例: 商工 太郎）"))
    email = forms.EmailField(label=_("メールアドレス"), required=False, max_length=254,
                             help_text=_("提出や差し戻しのお知らせが届きます"))
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, departments: "QuerySet[Department]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"] = department_field(departments)

    @staticmethod
    def initial_for(person: Membership) -> dict[str, Any]:
        return {"version": person.version, "display_name": person.display_name, "email": person.user.email,
                "role": person.role, "departments": list(person.departments.all())}

    def person_fields(self) -> PersonFields:
        data = self.cleaned_data
        return PersonFields(display_name=data["display_name"], email=data["email"], role=data["role"],
                            departments=tuple(data["departments"]))


class NewPersonForm(PersonForm):
    username = forms.CharField(label=_("ユーザー名（ログインに使う名前）"), max_length=150,
                               validators=[UnicodeUsernameValidator()],
                               help_text=_("半角英数字と @ . + - _ が使えます（例: shoko-taro）"))
    field_order = ("username", "display_name", "email", "role")


class TokenForm(forms.Form):
    name = LimitedTextField(limits.TOKEN_NAME, label=_("名前"),
                            help_text=_("使うシステムが分かる名前（例: 市ホームページのCMS）"))
    scope = forms.ChoiceField(label=_("範囲"), choices=TokenScope.choices, widget=forms.RadioSelect,
                              initial=TokenScope.READ)
    expires_on = forms.DateField(label=_("有効期限（この日まで有効）"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("空欄なら取り消すまで有効です"))

    def __init__(self, *args: Any, departments: "QuerySet[Department]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"] = forms.ModelChoiceField(
            label=_("担当課（書き込みの場合）"), queryset=departments, required=False,
            empty_label=_("（選ばない）"))
        self.order_fields(["name", "scope", "department", "expires_on"])

    def token_fields(self) -> TokenFields:
        data = self.cleaned_data
        return TokenFields(name=data["name"], scope=data["scope"], department=data["department"],
                           expires_on=data["expires_on"])
