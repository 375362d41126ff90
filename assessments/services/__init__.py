"""Writes for ISSI audit records (audits.py), their corrections (corrections.py) and their evidence
files (evidence.py)."""

from assessments.services.audits import (
    WHO_MAY,
    audit_claim,
    audit_determine,
    audit_submit,
    authorise,
    judged_against,
)
from assessments.services.corrections import (
    audit_correct,
    authorise_correction,
    correction_refusal_for,
    moved_past,
)
from assessments.services.evidence import evidence_scan, evidence_upload
from assessments.services.prepared import prepared_evidence_attach, prepared_evidence_upload

__all__ = [
    "WHO_MAY",
    "audit_claim",
    "audit_correct",
    "audit_determine",
    "audit_submit",
    "authorise",
    "authorise_correction",
    "correction_refusal_for",
    "evidence_scan",
    "evidence_upload",
    "judged_against",
    "moved_past",
    "prepared_evidence_attach",
    "prepared_evidence_upload",
]
