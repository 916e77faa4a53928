"""The API tokens page: a signed-in user makes tokens for their devices and scripts, sees them
(by name and first characters) and revokes them. A new token is shown once, on the page the
form redirects to (a reload neither shows it again nor makes another): it waits in the session
(server-side) for that one view; only its hash is kept (scorekeeper/tokens.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from scorekeeper.tokens import MAX_TOKENS_PER_USER, api_token_create, api_token_revoke

_SHOW_ONCE = "api_token_to_show"


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Which device or script uses it, e.g. "
                           "“Scoring tablet” or “Club website”.")


@login_required
@never_cache  # a page holding a new token is never kept by a browser or a proxy
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form, status = TokenForm(), 200
    created = request.session.pop(_SHOW_ONCE, None) if request.method == "GET" else None
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
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid() and request.user.api_tokens.count() >= MAX_TOKENS_PER_USER:
            form.add_error(None, f"You have {MAX_TOKENS_PER_USER} tokens, the most one account "
                           "may have: revoke one you no longer use first.")
        if form.is_valid():
            _, request.session[_SHOW_ONCE] = api_token_create(user=request.user,
                                                              name=form.cleaned_data["name"])
            return redirect("api-tokens")
        status = 400
    return render(request, "registration/api_tokens.html", {
        "form": form, "created": created, "tokens": request.user.api_tokens.all(),
        "max_tokens": MAX_TOKENS_PER_USER,
    }, status=status)
