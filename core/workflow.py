"""The workflow engine: every status change of every app goes through `transition`.

A workflow is data: its states and a table of `Transition`s (from-states,
to-state, action name, Vietnamese label, who may, guards, extra fields to set,
effects). The app that owns a model defines its workflow next to its services,
with predicates taken from the permission kernel (`units.rules`); core knows no
app. Two calls make up the whole API:

- `available_actions(obj, user)`: the actions `user` may take on `obj` in its
  current state. The only thing views and templates use to show buttons
  (`templates/includes/workflow_actions.html` renders them as POST forms
  carrying the action as `transition` and the object's `version`).
- `transition(obj, action, by=, version=, comment=, **params)`: in one
  transaction, lock the row, treat a repeat of the action just applied by the
  same actor as success (no second effect), refuse a stale version, a wrong
  state, an actor who may not, a guard's refusal; then a conditional UPDATE on
  (pk, state, version) → new state, version + 1; a `TransitionLog` row; the
  transition's effects; its `on_commit` callbacks after the commit.

Effects run inside the transaction because they are part of the change
(deadline completions, the initiative register, in-app notifications and the
mail outbox, whose sending the notifications app queues after commit); what
must only happen once the change is durable goes in `on_commit`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F

from .exceptions import ServiceError, StaleObjectError
from .models import TransitionLog
from .text import nfc

COMMENT_NONE, COMMENT_OPTIONAL, COMMENT_REQUIRED = "none", "optional", "required"
COMMENT_MAX_LENGTH = 1000  # TransitionLog.comment


class NotAllowedError(ServiceError):
    """The actor may not take this action on this object (a view answers 403 when it checked visibility)."""


@dataclass
class Context:
    """What guards, field builders and effects receive."""

    obj: Any
    by: Any
    transition: Transition
    workflow: Workflow
    from_state: str
    comment: str = ""
    params: dict = field(default_factory=dict)
    today: datetime.date = field(default_factory=datetime.date.today)


Guard = Callable[[Context], "str | None"]
Effect = Callable[[Context], None]


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table.

    `allowed(user, obj)` says who may (a kernel predicate of the owning app);
    `guards` return a Vietnamese refusal or None; `fields(ctx)` returns extra
    columns to set in the same UPDATE (e.g. `submitted_at`); `effects` run after
    the state change and the history row, inside the transaction; `on_commit`
    after the commit. `comment` is "none", "optional" or "required"; `form` is
    an optional Django form class for extra parameters (validated by the view
    helper and handed to `transition` as `**params`).
    """

    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    allowed: Callable[[Any, Any], bool]
    refusal: str = "Bạn không có quyền thực hiện thao tác này."
    guards: tuple[Guard, ...] = ()
    fields: Callable[[Context], dict] | None = None
    effects: tuple[Effect, ...] = ()
    on_commit: tuple[Effect, ...] = ()
    comment: str = COMMENT_NONE
    comment_label: str = "Ý kiến"
    form: type | None = None
    style: str = "primary"
    done: str = ""
    # Set when the action is taken only by a service that writes more than a status (e.g. a decision
    # writing the award records): no button offers it and a POST naming it is refused, saying where to go.
    via: str = ""


@dataclass(frozen=True)
class Action:
    """What a button needs: the action name, its label and how to render its form."""

    name: str
    label: str
    comment: str
    comment_label: str
    style: str
    form: Any = None

    @property
    def comment_required(self) -> bool:
        return self.comment == COMMENT_REQUIRED


@dataclass
class Workflow:
    """States (a TextChoices class) and transitions of one model; registered by the model on creation."""

    name: str
    model: type[models.Model]
    states: type[models.TextChoices]
    transitions: Sequence[Transition]
    noun: str = "hồ sơ"
    state_field: str = "status"

    def __post_init__(self):
        names = [t.action for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"workflow {self.name}: duplicate action names")
        values = set(self.states.values)
        for t in self.transitions:
            if t.target not in values or not set(t.sources) <= values:
                raise ValueError(f"workflow {self.name}: {t.action} uses an unknown state")
        _REGISTRY[self.model._meta.label_lower] = self

    def get(self, action: str) -> Transition:
        for t in self.transitions:
            if t.action == action:
                return t
        raise ServiceError("Thao tác không hợp lệ.")

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def action_label(self, action: str) -> str:
        return next((t.label for t in self.transitions if t.action == action), action)


_REGISTRY: dict[str, Workflow] = {}


def workflow_for(obj_or_model) -> Workflow:
    label = obj_or_model._meta.label_lower
    try:
        return _REGISTRY[label]
    except KeyError:
        raise LookupError(f"no workflow registered for {label}") from None


def available_actions(obj, user) -> list[Action]:
    """The actions `user` may take on `obj` now: its state is a source and `allowed(user, obj)` holds.

    Guards are not evaluated here (they may need a query, and their refusal,
    e.g. a closed deadline, is worth showing when the button is pressed).
    """
    wf = workflow_for(obj)
    state = getattr(obj, wf.state_field)
    return [
        Action(
            name=t.action,
            label=t.label,
            comment=t.comment,
            comment_label=t.comment_label,
            style=t.style,
            form=t.form(prefix=t.action) if t.form else None,
        )
        for t in wf.transitions
        if state in t.sources and not t.via and t.allowed(user, obj)
    ]


def _last_log(obj) -> TransitionLog | None:
    ct = ContentType.objects.get_for_model(type(obj))
    return TransitionLog.objects.filter(content_type=ct, object_id=obj.pk).order_by("-at", "-id").first()


def _is_repeat(locked, wf: Workflow, t: Transition, by, version: int | None) -> bool:
    """The same actor sends again the action that brought the object to its present state (a double click)."""
    if getattr(locked, wf.state_field) != t.target:
        return False
    last = _last_log(locked)
    if last is None or last.action != t.action or last.by_id != getattr(by, "pk", None):
        return False
    # With a version, it must be the form loaded just before that action (nothing happened since).
    return version is None or last.version is None or (int(version) + 1 == last.version == locked.version)


@transaction.atomic
def transition(obj, action: str, *, by, version: int | None, comment: str = "", today=None, **params):
    """Apply `action` to `obj` as `by`; returns the (re-read) object.

    Refusals (all `ServiceError`, Vietnamese), in this order: unknown action; an
    actor who may not (`NotAllowedError`); a stale version (`StaleObjectError`:
    someone acted since the form was loaded, e.g. the other of two reviewers); a
    state the action does not start from; a missing required comment; a guard's message.
    A repeat by the same actor of the action just applied returns the object
    unchanged, with no second history row and no second effect.
    Side effects: the `TransitionLog` row, the transition's effects (in the
    transaction) and its `on_commit` callbacks.
    """
    wf = workflow_for(obj)
    t = wf.get(action)
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    state = getattr(locked, wf.state_field)
    if _is_repeat(locked, wf, t, by, version):
        return locked
    # Who may comes first, so a refusal does not depend on the state (a view answers 403 alike).
    if not t.allowed(by, locked):
        raise NotAllowedError(t.refusal)
    if version is not None and int(version) != locked.version:
        raise StaleObjectError(
            f"{wf.noun.capitalize()} đã được người khác cập nhật sau khi bạn mở trang "
            f"(hiện ở trạng thái «{wf.state_label(state)}»). Vui lòng tải lại trang rồi thao tác lại."
        )
    if state not in t.sources:
        raise ServiceError(f"Không thể «{t.label}»: {wf.noun} đang ở trạng thái «{wf.state_label(state)}».")
    comment = nfc(comment or "")
    if len(comment) > COMMENT_MAX_LENGTH:
        # Refused, not cut: a reviewer's reason must not lose its end silently.
        size, limit = (f"{n:,}".replace(",", ".") for n in (len(comment), COMMENT_MAX_LENGTH))
        raise ServiceError(f"{t.comment_label} dài {size} ký tự, quá giới hạn {limit} ký tự; vui lòng rút gọn.")
    if t.comment == COMMENT_REQUIRED and not comment:
        raise ServiceError(f"Vui lòng ghi {t.comment_label.lower()} khi «{t.label}».")
    ctx = Context(
        obj=locked,
        by=by,
        transition=t,
        workflow=wf,
        from_state=state,
        comment=comment,
        params=params,
        today=today or datetime.date.today(),
    )
    for guard in t.guards:
        refusal = guard(ctx)
        if refusal:
            raise ServiceError(refusal)
    extra = t.fields(ctx) if t.fields else {}
    updates = {wf.state_field: t.target, "version": F("version") + 1, **extra}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        from django.utils import timezone

        updates.setdefault("updated_at", timezone.now())
    # The conditional UPDATE is what makes a concurrent click lose even where the lock is not
    # held (a database without SELECT ... FOR UPDATE): only one (state, version) pair matches.
    changed = model.objects.filter(pk=locked.pk, **{wf.state_field: state}, version=locked.version).update(**updates)
    if changed != 1:
        raise StaleObjectError()
    locked.refresh_from_db()
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=locked.pk,
        workflow=wf.name,
        action=t.action,
        from_state=state,
        to_state=t.target,
        version=locked.version,
        by=by,
        comment=comment,
    )
    ctx.obj = locked
    for effect in t.effects:
        effect(ctx)
    for callback in t.on_commit:
        transaction.on_commit(partial(callback, ctx))
    return locked


@dataclass
class HistoryRow:
    at: datetime.datetime
    by: Any
    action: str
    from_state: str
    to_state: str
    comment: str


def history(obj) -> list[HistoryRow]:
    """The object's transitions, oldest first, with Vietnamese labels (one query)."""
    wf = workflow_for(obj)
    ct = ContentType.objects.get_for_model(type(obj))
    rows = TransitionLog.objects.filter(content_type=ct, object_id=obj.pk).select_related("by").order_by("at", "id")
    return [
        HistoryRow(
            at=row.at,
            by=row.by,
            action=wf.action_label(row.action),
            from_state=wf.state_label(row.from_state),
            to_state=wf.state_label(row.to_state),
            comment=row.comment,
        )
        for row in rows
    ]


def transition_from_post(request, obj) -> tuple[bool, str]:
    """The one POST handler of every workflow endpoint: `transition` (the action), `version`, `comment`
    and the fields of the action's form.

    Returns (done, message): the transition's success message or the refusal.
    A `NotAllowedError` is raised again so the view answers 403.
    """
    wf = workflow_for(obj)
    try:
        # The field is "transition", not "action": an input named "action" would hide the form's own
        # `action` property from scripts (DOM clobbering).
        t = wf.get(request.POST.get("transition", ""))
    except ServiceError as exc:
        return False, str(exc)
    if t.via:
        return False, f"«{t.label}» được ghi qua {t.via}."
    raw_version = request.POST.get("version", "")
    if not raw_version:
        # Every button carries the version it was drawn for; without it two reviewers could both win.
        return False, "Thiếu phiên bản dữ liệu của trang. Vui lòng tải lại trang rồi thao tác lại."
    try:
        version = int(raw_version)
    except ValueError:
        return False, "Dữ liệu không hợp lệ."
    params = {}
    if t.form is not None:
        form = t.form(request.POST, prefix=t.action)
        if not form.is_valid():
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            return False, f"Dữ liệu không hợp lệ: {errors}"
        params = form.cleaned_data
    try:
        transition(obj, t.action, by=request.user, version=version, comment=request.POST.get("comment", ""), **params)
    except NotAllowedError:
        raise
    except ServiceError as exc:
        return False, str(exc)
    return True, t.done or f"Đã «{t.label}»."
