"""A person's API tokens, on their account: list, make (the token shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy

from .actions import create_token, revoke_token
from .forms import TokenForm
from .models import ApiToken


@policy.capability_required(policy.USE_API)
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.USE_API)
    made = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = create_token(
            user,
            name=form.cleaned_data["name"],
            expires_days=form.cleaned_data["expires_days"],
            acting_user=user,
        )
        form = TokenForm()
    context = {"form": form, "made": made, "tokens": ApiToken.objects.filter(owner=user)}
    return render(request, "api/tokens.html", context)


@policy.capability_required(policy.USE_API)
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = policy.person(request.user, policy.USE_API)
    token = get_object_or_404(ApiToken.objects.filter(owner=user), pk=token_id)
    if token.revoked_at is None:
        revoke_token(token, acting_user=user)
        messages.success(request, f"The token {token.name} is revoked: it no longer works.")
    return redirect("api-tokens")
