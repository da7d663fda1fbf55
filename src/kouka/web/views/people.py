"""People and access on the site: the administrator's list of staff users and API tokens, a user's own
account page and password change, and the history of what belongs to no year (departments, people, tokens)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from kouka.web import history_text, selectors
from kouka.web.models import Membership
from kouka.web.people_forms import NewPersonForm, PersonForm, TokenForm
from kouka.web.permissions import require_admin
from kouka.web.services.people import (
    PersonInvalid,
    user_active_set,
    user_create,
    user_password_change,
    user_password_reset,
    user_unlock,
    user_update,
)
from kouka.web.services.tokens import TokenInvalid, token_create, token_revoke
from kouka.web.services.writes import StaleVersion
from kouka.web.views.common import staff_view

STALE_PERSON = gettext_noop("他の人が先にこの職員の設定を変更しました。最新の内容を確認してから、"
                            "もう一度保存してください")


def shown_once(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page holding a secret (a one-time password, a token): never stored by a browser or a proxy."""
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@staff_view
def people(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    found = list(selectors.people_of(member))
    locked = selectors.people_locked([p.user.get_username() for p in found])
    return render(request, "kouka/staff/people/list.html", {
        "people": [(p, p.user.get_username() in locked) for p in found],
        "tokens": selectors.tokens_of(member).filter(revoked=None)})


@staff_view
def person_new(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    form = NewPersonForm(request.POST or None, departments=selectors.department_choices(member),
                         initial={"role": "editor"})
    if request.method == "POST" and form.is_valid():
        try:
            person, password = user_create(member=member, username=form.cleaned_data["username"],
                                           fields=form.person_fields())
        except PersonInvalid as exc:
            form.add_error("username", str(exc))
        else:
            return shown_once(request, "kouka/staff/people/password_once.html",
                              {"person": person, "password": password, "created": True})
    return render(request, "kouka/staff/people/form.html", {"form": form, "new": True})


@staff_view
def person_edit(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    require_admin(member)
    person = selectors.person_get(member, pk)
    form = PersonForm(request.POST or None, departments=selectors.department_choices(member),
                      initial=PersonForm.initial_for(person))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user_update(member=member, person=person, fields=form.person_fields(),
                        version=form.cleaned_data["version"] or 0)
        except PersonInvalid as exc:
            form.add_error(None, str(exc))
        except StaleVersion:
            form.add_error(None, _(STALE_PERSON))
            status = 409
        else:
            messages.success(request, _("{name} を保存しました").format(name=person.display_name or person.user))
            return redirect("kouka:people")
    locked = bool(selectors.people_locked([person.user.get_username()]))
    return render(request, "kouka/staff/people/form.html", {
        "form": form, "person": person, "locked": locked, "is_self": person.pk == member.pk}, status=status)


@staff_view
@require_POST
def person_password(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    require_admin(member)
    person = selectors.person_get(member, pk)
    password = user_password_reset(member=member, person=person)
    return shown_once(request, "kouka/staff/people/password_once.html",
                      {"person": person, "password": password, "created": False})


@staff_view
@require_POST
def person_active(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    require_admin(member)
    person = selectors.person_get(member, pk)
    active = request.POST.get("active") == "1"
    try:
        user_active_set(member=member, person=person, active=active)
    except PersonInvalid as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, (_("{name} を有効に戻しました") if active else
                                   _("{name} を無効にしました。このユーザーはログインできません")).format(
            name=person.display_name or person.user))
    return redirect("kouka:person", pk=pk)


@staff_view
@require_POST
def person_unlock(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    require_admin(member)
    person = selectors.person_get(member, pk)
    user_unlock(member=member, person=person)
    messages.success(request, _("{name} のログインの制限を解除しました").format(
        name=person.display_name or person.user))
    return redirect("kouka:person", pk=pk)


@staff_view
def tokens(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    form = TokenForm(request.POST or None, departments=selectors.department_choices(member))
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_create(member=member, fields=form.token_fields())
        except TokenInvalid as exc:
            form.add_error(None, str(exc))
        else:
            return shown_once(request, "kouka/staff/people/token_once.html", {"token": token, "secret": secret})
    return render(request, "kouka/staff/people/tokens.html", {"form": form, "tokens": selectors.tokens_of(member)})


@staff_view
@require_POST
def token_revoke_view(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    require_admin(member)
    token = token_revoke(member=member, token=selectors.token_get(member, pk))
    messages.success(request, _("APIトークン「{name}」を取り消しました。以後このトークンは使えません").format(
        name=token.name))
    return redirect("kouka:tokens")


@staff_view
def me(request: HttpRequest, member: Membership) -> HttpResponse:
    return render(request, "kouka/staff/people/me.html", {"departments": list(member.departments.all())})


@staff_view
def municipality_history(request: HttpRequest, member: Membership) -> HttpResponse:
    """The changes of no year: departments, people and API tokens (administrators only)."""
    require_admin(member)
    rows = [(change, history_text.describe(change)) for change in selectors.changes_outside_years(member)]
    return render(request, "kouka/staff/people/history.html", {"rows": rows})


class PasswordChange(PasswordChangeView):
    """Django's password change in the site's look; the change is recorded and ends a one-time password."""

    template_name = "kouka/staff/people/password.html"
    success_url = reverse_lazy("kouka:me")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user_password_change(user=self.request.user, form=form)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("パスワードを変更しました"))
        return redirect(self.get_success_url())
