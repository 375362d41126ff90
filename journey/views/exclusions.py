"""Click-to-exclude: the assigned auditor picks cases on the frozen case list, a reason each; the
picks are kept in the session across pages and searches until the audit is submitted, and fill
the “Excluded cases” box of its submit form. Every pick is checked against the frozen cases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from assessments import selectors
from assessments.models import AuditRecord
from metrics import selectors as metrics_selectors

MOST_PICKS = 10_000
REASON_LENGTH = 500


def _key(audit_id: int) -> str:
    return f"exclusions:{audit_id}"


def picked(request: HttpRequest, audit_id: int) -> dict[str, str]:
    """The cases picked for exclusion so far: {case ID: reason}, in the order picked."""
    picks = request.session.get(_key(audit_id))
    return dict(picks) if isinstance(picks, dict) else {}


def clear(request: HttpRequest, audit_id: int) -> None:
    request.session.pop(_key(audit_id), None)


def as_lines(picks: dict[str, str]) -> str:
    """The picks as the submit form's “Excluded cases” box reads them."""
    return "\n".join(f"{case_id}, {reason}" for case_id, reason in picks.items())


def may_pick(user, audit: AuditRecord) -> bool:
    """Only the assigned auditor, while the audit is claimed and not yet submitted."""
    return audit.status == AuditRecord.Status.CLAIMED and user.has_perm(
        "assessments.submit_audit", audit
    )


def _rows(post) -> int:
    raw = str(post.get("rows", ""))
    return min(int(raw), 200) if raw.isdigit() else 0


def read_rows(post) -> tuple[dict[str, str], set[str], list[str]]:
    """From one posted page: (picked {case ID: reason}, every case ID shown, ticked without a
    reason). Rows are numbered; each carries its case ID, a checkbox and a reason."""
    ticked = set(post.getlist("pick"))
    shown, picks, no_reason = set(), {}, []
    for index in range(_rows(post)):
        case_id = post.get(f"case_{index}", "").strip()[:64]
        if not case_id:
            continue
        shown.add(case_id)
        reason = " ".join(post.get(f"reason_{index}", "").split())[:REASON_LENGTH]
        if str(index) not in ticked:
            continue
        if reason:
            picks[case_id] = reason
        else:
            no_reason.append(case_id)
    return picks, shown, no_reason


@login_required
@require_POST
def audit_cases_pick(request: HttpRequest, audit_id: int) -> HttpResponse:
    """Save the picks of one page of the frozen case list (unticked rows are unpicked)."""
    audit = selectors.audit_for(request.user, audit_id)
    if audit.kind != AuditRecord.Kind.PERFORMANCE or audit.frozen_window_start is None:
        raise Http404("Only a started performance assessment has a frozen case list.")
    if not may_pick(request.user, audit):
        raise PermissionDenied("Only the assigned auditor picks exclusions, before submitting.")
    back = reverse("audit-cases", args=[audit.pk])
    query = {k: request.POST[k] for k in ("q", "page") if request.POST.get(k, "").strip()}
    back += f"?{urlencode(query)}" if query else ""
    if request.POST.get("clear") == "1":
        clear(request, audit.pk)
        messages.success(request, "All picks cleared.")
        return redirect(back)
    picks, shown, no_reason = read_rows(request.POST)
    unknown = metrics_selectors.case_ids_missing(
        audit.enrollment.organization_id,
        audit.frozen_window_start,
        audit.frozen_window_end,
        list(picks),
    )
    if unknown:  # only a tampered page sends these: keep the picks as they were
        messages.error(request, "Not among the frozen cases: " + ", ".join(unknown[:10]) + ".")
        return redirect(back)
    kept = {k: v for k, v in picked(request, audit.pk).items() if k not in shown}
    kept.update(picks)
    if len(kept) > MOST_PICKS:
        messages.error(request, f"At most {MOST_PICKS:,} cases can be picked.")
        return redirect(back)
    request.session[_key(audit.pk)] = kept
    if no_reason:
        messages.error(
            request,
            "Not picked, a reason is needed for each: " + ", ".join(no_reason[:10]) + ".",
        )
    messages.success(
        request,
        f"{len(kept)} case{'s' if len(kept) != 1 else ''} picked for exclusion; they fill the "
        "“Excluded cases” box of the audit's submit form.",
    )
    return redirect(back)
