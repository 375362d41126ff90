"""Routes for the journey's pages: overview, enrollment, assessments, reviewer queues, audits."""

from django.urls import path

from assessments import evidence_views
from journey.insights import views as insights
from journey.views import appeals, audits, conversation, enrollments, overview
from journey.views.audit_cases import audit_cases
from journey.views.audit_correct import audit_correct
from journey.views.exclusions import audit_cases_pick

urlpatterns = [
    path(
        "organizations/<int:organization_id>/",
        overview.organization_overview,
        name="organization-overview",
    ),
    path(
        "organizations/<int:organization_id>/enrollment/",
        enrollments.enrollment_home,
        name="enrollment-home",
    ),
    path(
        "organizations/<int:organization_id>/enrollment/apply/",
        enrollments.enrollment_apply,
        name="enrollment-apply",
    ),
    path(
        "organizations/<int:organization_id>/assessments/",
        enrollments.organization_assessments,
        name="organization-assessments",
    ),
    path("enrollments/<int:enrollment_id>/", enrollments.enrollment_detail, name="enrollment-page"),
    # Before the transition route, whose <slug:name> would take “comments” and “appeal”.
    path(
        "enrollments/<int:enrollment_id>/appeal/",
        appeals.enrollment_appeal,
        name="enrollment-appeal-form",
    ),
    path(
        "enrollments/<int:enrollment_id>/comments/",
        conversation.enrollment_comment,
        name="enrollment-comment-form",
    ),
    path(
        "enrollments/<int:enrollment_id>/<slug:name>/",
        enrollments.enrollment_transition,
        name="enrollment-transition",
    ),
    path(
        "organizations/<int:organization_id>/readiness/",
        insights.readiness,
        name="readiness-page",
    ),
    path(
        "organizations/<int:organization_id>/evidence-library/",
        insights.evidence_prepare,
        name="evidence-library",
    ),
    path(
        "organizations/<int:organization_id>/evidence-library/attach/",
        insights.evidence_attach,
        name="evidence-library-attach",
    ),
    path(
        "organizations/<int:organization_id>/benchmarks/",
        insights.benchmarks,
        name="benchmarks-page",
    ),
    path("program/insights/", insights.program_dashboard, name="program-insights"),
    path(
        "program/insights/<slug:table>.csv",
        insights.program_table_csv,
        name="program-insights-csv",
    ),
    path("queues/", enrollments.review_queues, name="review-queues"),
    path("audits/", audits.audit_index, name="audit-index"),
    path("audits/<int:audit_id>/", audits.audit_detail, name="audit-page"),
    path("audits/<int:audit_id>/claim/", audits.audit_claim, name="audit-claim-form"),
    path("audits/<int:audit_id>/cases/", audit_cases, name="audit-cases"),
    path("audits/<int:audit_id>/cases/pick/", audit_cases_pick, name="audit-cases-pick"),
    path("audits/<int:audit_id>/correct/", audit_correct, name="audit-correct-form"),
    path("audits/<int:audit_id>/evidence/", audits.audit_evidence, name="audit-evidence-form"),
    path("audits/<int:audit_id>/submit/", audits.audit_submit, name="audit-submit-form"),
    path("audits/<int:audit_id>/determine/", audits.audit_determine, name="audit-determine-form"),
    path(
        "audits/<int:audit_id>/changes/",
        conversation.audit_request_changes,
        name="audit-request-changes-form",
    ),
    path(
        "audits/<int:audit_id>/changes/<int:request_id>/answer/",
        conversation.audit_answer_change,
        name="audit-answer-change-form",
    ),
    path("audits/<int:audit_id>/comments/", conversation.audit_comment, name="audit-comment-form"),
    path("audits/<int:audit_id>/appeal/", appeals.audit_appeal, name="audit-appeal-form"),
    path("appeals/<int:appeal_id>/", appeals.appeal_detail, name="appeal-page"),
    path(
        "attachments/<int:attachment_id>/download/",
        conversation.attachment_download,
        name="attachment-download",
    ),
    path("appeals/<int:appeal_id>/decide/", appeals.appeal_decide, name="appeal-decide-form"),
    path(
        "evidence/<int:evidence_id>/download/", audits.evidence_download, name="evidence-download"
    ),
    path(
        "evidence/<int:evidence_id>/remove/", evidence_views.evidence_remove, name="evidence-remove"
    ),
]
