from django.urls import path

from assessments import evidence_views, views

urlpatterns = [
    path("audits/", views.audit_index, name="audit-index"),
    path("audits/<int:audit_id>/", views.audit_detail, name="audit-page"),
    path("audits/<int:audit_id>/claim/", views.audit_claim, name="audit-claim-form"),
    path("audits/<int:audit_id>/evidence/", views.audit_evidence, name="audit-evidence-form"),
    path("audits/<int:audit_id>/submit/", views.audit_submit, name="audit-submit-form"),
    path("audits/<int:audit_id>/determine/", views.audit_determine, name="audit-determine-form"),
    path("evidence/<int:evidence_id>/download/", views.evidence_download, name="evidence-download"),
    path(
        "evidence/<int:evidence_id>/remove/", evidence_views.evidence_remove, name="evidence-remove"
    ),
]
