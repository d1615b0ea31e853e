"""Who may see and who may act on an information request: one answer per question,
asked by the services, the pages, the templates and the API."""

from __future__ import annotations

from ..access.permissions import acts_for, oversees
from ..models import InfoRequest, User


def can_read(user: User | None, req: InfoRequest) -> bool:
    """The applicant, the department's staff and the supervisors over it; nobody else."""
    if not (user and user.is_authenticated):
        return False
    return (
        (req.applicant_id is not None and req.applicant_id == user.id)
        or acts_for(user, req.department_id)
        or oversees(user, req.department)
    )


def can_handle(user: User | None, req: InfoRequest) -> bool:
    """Staff of the department: notices, third parties, answers."""
    return acts_for(user, req.department_id)


def can_extend(user: User | None, req: InfoRequest) -> bool:
    """The department head or a supervisor over the department."""
    return bool(user and ((acts_for(user, req.department_id) and user.is_dept_head) or oversees(user, req.department)))


def can_record_appeal(user: User | None, req: InfoRequest) -> bool:
    return acts_for(user, req.department_id) or oversees(user, req.department)


#: Outcomes that give the information (予以公开, 部分公开): only their answers carry files.
ATTACHABLE_OUTCOMES = frozenset({"public", "partial"})


def can_attach(outcome: str | None) -> bool:
    """Files go with the answer itself, and only with an answer that gives the information."""
    return outcome in ATTACHABLE_OUTCOMES


def can_read_attachment(user: User | None, attachment) -> bool:
    """A file of the answer is read exactly as the request it belongs to."""
    return can_read(user, attachment.request)
