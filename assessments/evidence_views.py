"""Evidence pages beyond the audit page itself: removing a file uploaded by mistake."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assessments import evidence_services
from portal.errors import Forbidden, JourneyError, NotFound


@login_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """Take one file out of an audit not yet submitted; it stays in the audit's log."""
    try:
        removal = evidence_services.evidence_remove(
            evidence_id=evidence_id, by=request.user, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except JourneyError as exc:
        messages.error(request, exc.message)
        audit_id = request.POST.get("audit", "")
        if audit_id.isdigit():  # back to the audit page the form was on
            return redirect("audit-page", audit_id=int(audit_id))
        return redirect("home")
    evidence = removal.evidence
    messages.success(
        request,
        f"Removed {evidence.original_name} from the evidence: it no longer counts, and the "
        "audit's log keeps it with who removed it and when.",
    )
    return redirect("audit-page", audit_id=evidence.audit_id)
