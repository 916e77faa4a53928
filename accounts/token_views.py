"""The API tokens page: a signed-in user makes tokens for their devices and scripts, sees them
(by name and first characters) and revokes them. A new token is shown once, in the answer to
the form that made it, and is stored nowhere (not in the session either): only its hash is
kept (accounts/tokens.py). Each form carries a one-time mark, so a resent form (a reload of
that answer) makes no second token."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.tokens import MAX_TOKENS_PER_USER, api_token_create, api_token_revoke

_FORM_MARK = "api_token_form"  # the one-time mark of the form last shown (not a secret)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Which device or script uses it, e.g. "
                           "“Scoring tablet” or “Club website”.")
    once = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        data = super().clean()
        if not constant_time_compare(self.data.get("once", ""),
                                     self.request.session.get(_FORM_MARK, "")):
            raise forms.ValidationError("This form was already sent (a reload?): the token it "
                                        "made is in the list below. Send the form again to "
                                        "make another.")
        return data


def _fresh_form(request: HttpRequest) -> TokenForm:
    request.session[_FORM_MARK] = secrets.token_urlsafe(24)
    return TokenForm(request=request, initial={"once": request.session[_FORM_MARK]})


@login_required
@never_cache  # a page holding a new token is never kept by a browser or a proxy
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    created, status = None, 200
    if request.method == "POST" and "revoke" in request.POST:
        try:
            revoked = api_token_revoke(user=request.user, token_id=int(request.POST["revoke"]))
        except ValueError:
            revoked = False
        if revoked:
            messages.success(request, "Token revoked: requests that send it are refused now.")
        else:
            messages.error(request, "That token was already revoked (or is not yours).")
        return redirect("api-tokens")
    form = TokenForm(request.POST, request=request) if request.method == "POST" else None
    if form is not None and form.is_valid() and (
            request.user.api_tokens.count() >= MAX_TOKENS_PER_USER):
        form.add_error(None, f"You have {MAX_TOKENS_PER_USER} tokens, the most one account "
                       "may have: revoke one you no longer use first.")
    if form is not None and form.is_valid():
        request.session.pop(_FORM_MARK, None)  # this form makes one token, however often sent
        _, created = api_token_create(user=request.user, name=form.cleaned_data["name"])
        form, status = _fresh_form(request), 201
    elif form is not None:
        status = 400  # the form again, carrying the current mark so that a retry counts
        form.data = form.data.copy()
        form.data["once"] = (request.session.get(_FORM_MARK)
                             or _fresh_form(request).initial["once"])
    else:
        form = _fresh_form(request)
    return render(request, "registration/api_tokens.html", {
        "form": form, "created": created, "tokens": request.user.api_tokens.all(),
        "max_tokens": MAX_TOKENS_PER_USER,
    }, status=status)
