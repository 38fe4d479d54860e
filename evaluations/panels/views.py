"""Panel pages: evaluators manage panels and read results; raters rate blind; the public votes."""

from __future__ import annotations

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leaderboard.models import Phase, is_evaluator

from . import points, selectors, services, signups, tryout, votes
from .forms import AccountForm, InvitationForm, PanelForm, SignUpForm, VoteForm
from .models import Comparison, ComparisonPrompt, Panel, Rater, TryMessage


def evaluator_required(view):
    """Sign-in first; anyone but an evaluator gets 404, so the pages do not announce themselves."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_evaluator(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def _rater_or_404(request, panel_id) -> Rater:
    try:
        return services.rater_for(user=request.user, panel_id=panel_id)
    except services.NotFound as exc:
        raise Http404("No such page") from exc


# ---------------------------------------------------------------- evaluators


@evaluator_required
def manage_index(request, slug):
    phase = get_object_or_404(Phase, slug=slug)
    form = PanelForm(request.POST or None, phase=phase)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            panel = services.panel_create(
                user=request.user,
                phase=phase,
                component=data["component"],
                code=data["code"],
                name_ko=data["name_ko"],
                name_en=data["name_en"],
                rater_kind=data["rater_kind"],
                blind=data["blind"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                scale_min=data["scale_min"],
                scale_max=data["scale_max"],
                criteria=data["criteria"],
            )
        except services.PanelError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            return redirect("panels:manage_detail", pk=panel.pk)
    panels = Panel.objects.filter(phase=phase).select_related("component")
    return render(
        request, "panels/manage_index.html", {"phase": phase, "panels": panels, "form": form}
    )


@evaluator_required
def manage_detail(request, pk):
    panel = get_object_or_404(Panel.objects.select_related("phase", "component"), pk=pk)
    new_link = None
    invite_form = InvitationForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite" and invite_form.is_valid():
                _invitation, token = services.invitation_create(
                    user=request.user, panel=panel, email=invite_form.cleaned_data["email"]
                )
                new_link = request.build_absolute_uri(reverse("panels:invite", args=[token]))
            elif action == "prompt":
                answers = {
                    m.pk: request.POST.get(f"answer-{m.pk}", "") for m in panel.rated_models.all()
                }
                votes.prompt_add(
                    user=request.user,
                    panel=panel,
                    text=request.POST.get("text", ""),
                    answers=answers,
                )
                messages.success(request, _("The prompt and its answers are saved."))
                return redirect("panels:manage_detail", pk=panel.pk)
            elif action == "apply":
                from leaderboard.corrections import CorrectionReason

                reason = CorrectionReason(
                    request.POST.get("correction_reason_ko", ""),
                    request.POST.get("correction_reason_en", ""),
                )
                points.panel_points_apply(user=request.user, panel=panel, correction=reason)
                messages.success(request, _("The panel's points are entered in the assessments."))
                return redirect("panels:manage_detail", pk=panel.pk)
        except services.PanelError as exc:
            messages.error(request, exc.message)
    context = {
        "panel": panel,
        "results": selectors.panel_results(panel),
        "votes": selectors.vote_results(panel)
        if panel.rater_kind == Panel.RaterKind.PUBLIC
        else None,
        "invite_form": invite_form,
        "new_link": new_link,
        "invitations": panel.invitations.order_by("-created_at"),
        "models": panel.rated_models.order_by("pk"),
        "prompts": panel.prompts.filter(written_by=None),
        "chats": TryMessage.objects.filter(rater__panel=panel)
        .select_related("model")
        .order_by("rater_id", "model_id", "created_at", "pk")[:500],
        "is_closed": panel.closes_at <= timezone.now(),
    }
    return render(request, "panels/manage_detail.html", context)


# ---------------------------------------------------------------- joining


def invite(request, token):
    """An invitation link: sign in (or create an account) and take the seat; used links refuse."""
    try:
        invitation = services.invitation_lookup(token)
    except services.NotFound as exc:
        raise Http404("No such invitation") from exc
    form = AccountForm(request.POST or None) if not request.user.is_authenticated else None
    if request.method == "POST":
        try:
            with transaction.atomic():
                user = request.user
                if not user.is_authenticated:
                    if not form.is_valid():
                        raise services.PanelError({})
                    User = get_user_model()
                    if User.objects.filter(username__iexact=form.cleaned_data["username"]).exists():
                        raise services.PanelError({"username": _("This user name is taken.")})
                    user = User.objects.create_user(
                        username=form.cleaned_data["username"],
                        email=invitation.email,
                        password=form.cleaned_data["password"],
                    )
                rater = services.invitation_accept(user=user, token=token)
        except services.PanelError as exc:
            if exc.errors:
                messages.error(request, exc.message)
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("panels:rate", pk=rater.panel_id)
    return render(
        request,
        "panels/invite.html",
        {"panel": invitation.panel, "used": invitation.used_at is not None, "form": form},
    )


def join(request, pk):
    """The public panel's sign-up: an account verified by e-mail, one per address."""
    panel = get_object_or_404(Panel, pk=pk, rater_kind=Panel.RaterKind.PUBLIC)
    form = SignUpForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        try:
            signups.signup_start(
                panel=panel,
                email=form.cleaned_data["email"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                link_for=lambda token: request.build_absolute_uri(
                    reverse("panels:verify", args=[token])
                ),
                signed_in=request.user,
            )
        except services.PanelError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            sent = True
    return render(request, "panels/join.html", {"panel": panel, "form": form, "sent": sent})


def verify(request, token):
    try:
        rater = signups.signup_verify(token=token)
    except services.NotFound as exc:
        raise Http404("No such link") from exc
    except services.PanelError as exc:
        return render(request, "panels/verify.html", {"error": exc.message}, status=400)
    login(request, rater.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("panels:rate", pk=rater.panel_id)


# ---------------------------------------------------------------- rating, blind


@login_required
def mine(request):
    seats = Rater.objects.filter(user=request.user).select_related("panel")
    return render(request, "panels/mine.html", {"seats": seats})


@login_required
def rate(request, pk):
    rater = _rater_or_404(request, pk)
    if request.method == "POST":
        try:
            # Every value is checked first, then all are saved in one transaction: a form with
            # one bad value saves nothing.
            entries = []
            for row in selectors.rater_page(rater)["rows"]:
                for cell in row["cells"]:
                    crit = cell["criterion"]
                    raw = request.POST.get(f"r-{row['label']}-{crit.code}", "").strip()
                    if not raw:
                        continue
                    if not re.fullmatch(r"-?[0-9]+", raw):
                        raise services.PanelError({"value": _("A rating is a whole number.")})
                    value = int(raw)
                    if not (crit.scale_min <= value <= crit.scale_max):
                        raise services.PanelError(
                            {
                                "value": _("Rate from %(low)s to %(high)s.")
                                % {"low": crit.scale_min, "high": crit.scale_max}
                            }
                        )
                    comment = request.POST.get(f"c-{row['label']}-{crit.code}", "")
                    entries.append((row["label"], crit.code, value, comment))
            with transaction.atomic():
                for label, code, value, comment in entries:
                    services.rating_save(
                        user=request.user,
                        panel_id=pk,
                        label=label,
                        criterion=code,
                        value=value,
                        comment=comment,
                    )
        except services.PanelError as exc:
            messages.error(request, exc.message)
            return render(request, "panels/rate.html", _rate_context(rater), status=400)
        messages.success(request, _("Your ratings are saved."))
        return redirect("panels:rate", pk=pk)
    return render(request, "panels/rate.html", _rate_context(rater))


def _rate_context(rater: Rater) -> dict:
    """The rater's page with whether the models can be tried (all of them or none:
    ``tryout.try_open``) and, per label, their own chat so far."""
    page = selectors.rater_page(rater)
    page["can_try"] = tryout.try_open(rater)
    chats = tryout.rater_conversations(rater)
    for row in page["rows"]:
        row["chat"] = chats.get(row["label"], [])
    return page


@login_required
def rate_json(request, pk):
    rater = _rater_or_404(request, pk)
    return JsonResponse(selectors.rater_json(rater), json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------- side by side (public)


@login_required
def compare(request, pk):
    rater = _rater_or_404(request, pk)
    if rater.panel.rater_kind != Panel.RaterKind.PUBLIC:
        raise Http404("No such page")
    comparison = None
    prompt_id = request.GET.get("prompt")
    if prompt_id:
        try:
            comparison = votes.comparison_draw(user=request.user, panel_id=pk, prompt_id=prompt_id)
        except services.PanelError as exc:
            messages.error(request, exc.message)
    answers = {}
    if comparison is not None:
        answers = dict(
            comparison.prompt.answers.filter(
                model_id__in=[comparison.model_a_id, comparison.model_b_id]
            ).values_list("model_id", "text")
        )
    return render(
        request,
        "panels/compare.html",
        {
            "panel": rater.panel,
            "prompts": ComparisonPrompt.objects.filter(panel=rater.panel, written_by=None),
            "live": len(tryout.live_models(rater.panel)) >= 2,
            "comparison": comparison,
            "answer_a": answers.get(comparison.model_a_id) if comparison else "",
            "answer_b": answers.get(comparison.model_b_id) if comparison else "",
            "form": VoteForm(),
        },
    )


@login_required
@require_POST
def vote(request, pk, comparison_id):
    _rater_or_404(request, pk)
    form = VoteForm(request.POST)
    try:
        comparison = votes.comparison_vote(
            user=request.user,
            comparison_id=comparison_id,
            vote=form.data.get("vote", ""),
        )
    except services.NotFound as exc:
        raise Http404("No such page") from exc
    except services.PanelError as exc:
        messages.error(request, exc.message)
        return redirect("panels:compare", pk=pk)
    comparison = Comparison.objects.select_related("model_a", "model_b").get(pk=comparison.pk)
    return render(
        request, "panels/revealed.html", {"panel": comparison.rater.panel, "c": comparison}
    )
