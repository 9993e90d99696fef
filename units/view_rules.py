"""The fixed set of rules a view may declare (`@view_rule(UNIT_READ)`), in the kernel's words.

Each rule names the capabilities (`units.rules.Cap`) it checks and the object
it checks them on. The first capability decides visibility: without it the
object answers 404 (selectors filter with `scope_q`); the others decide the
action: without any of them a visible object answers 403. A list rule filters
its rows instead of refusing.

A new view picks one of these; a view that needs a check none of them
describes adds a rule here (and a row per persona to the permission matrix,
`core/tests/permission_matrix.py`), so the set stays small and reviewed.
"""

from dataclasses import dataclass

from core.rules import PUBLIC, ViewRule

from .rules import Cap


@dataclass(frozen=True)
class KernelRule(ViewRule):
    """A view rule with the capabilities it checks (`caps`: READ first, then any one of the rest) and on what (`on`)."""

    caps: tuple[Cap, ...] = ()
    on: str = ""


def _rule(name: str, caps: tuple[Cap, ...], on: str, description: str) -> KernelRule:
    return KernelRule(name=name, description=description, caps=caps, on=on)


SIGNED_IN = _rule(
    "SIGNED_IN", (), "", "any signed-in user; shows only published data, empty templates or own-unit redirects"
)
OWN_ACCOUNT = _rule(
    "OWN_ACCOUNT", (), "the user", "the user's own roles and notifications only (404 for another user's)"
)
LIST_IN_SCOPE = _rule(
    "LIST_IN_SCOPE",
    (Cap.READ,),
    "each row's unit",
    "a list of the units, people, blocks, campaigns or compacts the user may READ (rows outside are left out)",
)

UNIT_READ = _rule(
    "UNIT_READ",
    (Cap.READ,),
    "the unit of the URL (or of the query, default the active unit)",
    "READ on the unit (404); its contents are read through the kernel (people_in_scope), never by path prefix",
)
UNIT_EDIT = _rule("UNIT_EDIT", (Cap.READ, Cap.EDIT_UNIT), "the unit of the URL", "READ (404), then EDIT_UNIT (403)")
UNIT_MANAGE_PEOPLE = _rule(
    "UNIT_MANAGE_PEOPLE",
    (Cap.READ, Cap.MANAGE_PEOPLE),
    "the unit of the URL, or the unit owning the initiative",
    "READ (404), then MANAGE_PEOPLE (403): add and import people, their history, ratings and initiatives",
)
UNIT_EVALUATIONS = _rule(
    "UNIT_EVALUATIONS",
    (Cap.READ, Cap.MANAGE_PEOPLE, Cap.OVERSEE, Cap.APPRAISE),
    "the unit of the URL",
    "READ (404), then MANAGE_PEOPLE (edits), OVERSEE or APPRAISE (reads) the rating grid (403 otherwise)",
)
UNIT_SIGN = _rule(
    "UNIT_SIGN",
    (Cap.READ, Cap.SIGN, Cap.ADMINISTER),
    "the unit owning the initiative",
    "READ (404), then SIGN or ADMINISTER (403): recognise an initiative",
)
UNIT_ADMINISTER = _rule(
    "UNIT_ADMINISTER",
    (Cap.READ, Cap.ADMINISTER),
    "the unit of the URL, the record's unit or person's unit (and the new parent of a move)",
    "READ (404), then ADMINISTER (403): child units, moves, accounts and roles, revocations",
)

PERSON_READ = _rule("PERSON_READ", (Cap.READ,), "the person's unit", "READ on the person's unit (404)")
PERSON_MANAGE = _rule(
    "PERSON_MANAGE",
    (Cap.READ, Cap.MANAGE_PEOPLE),
    "the person's unit (of the person, or of its discipline or service period; and the target unit of a transfer)",
    "READ (404), then MANAGE_PEOPLE (403)",
)

BLOCK_READ = _rule(
    "BLOCK_READ", (Cap.READ,), "the block's owner or one of its members", "READ on the owner or on a member (404)"
)
BLOCK_MANAGE = _rule(
    "BLOCK_MANAGE",
    (Cap.READ, Cap.SIGN, Cap.ADMINISTER),
    "the block's owner (for a new block: a unit the user heads or administers)",
    "READ (404), then SIGN or ADMINISTER on the owner (403)",
)

CAMPAIGN_READ = _rule(
    "CAMPAIGN_READ",
    (Cap.READ,),
    "the campaign (launched by or reaching a unit the user may READ)",
    "campaign visible (404); registrations and totals only of the units the user may READ",
)
CAMPAIGN_FILE = _rule(
    "CAMPAIGN_FILE",
    (Cap.READ, Cap.FILE),
    "the launching unit (for a new campaign: a unit the user files for)",
    "campaign visible (404), then FILE on its launching unit (403): draft, phases, awards on offer, deadlines",
)
CAMPAIGN_SIGN = _rule(
    "CAMPAIGN_SIGN",
    (Cap.READ, Cap.SIGN, Cap.ADMINISTER),
    "the launching unit",
    "campaign visible (404), then SIGN or ADMINISTER on its launching unit (403): launch, close",
)
OVERSEE = _rule(
    "OVERSEE",
    (Cap.READ, Cap.OVERSEE),
    "the units a deadline or a filing applies to",
    "visible (404), then OVERSEE on one of the units concerned (403): reopen a deadline for the level below",
)

REGISTRATION_READ = _rule(
    "REGISTRATION_READ",
    (Cap.READ,),
    "the registering unit",
    "registration of a unit the user may READ (the unit itself, or the level above), else 404",
)
REGISTRATION_FILE = _rule(
    "REGISTRATION_FILE",
    (Cap.READ, Cap.FILE),
    "the registering unit",
    "campaign and unit visible (404), then FILE on the registering unit itself (403)",
)
REGISTRATION_ACT = _rule(
    "REGISTRATION_ACT",
    (Cap.READ, Cap.SIGN, Cap.OVERSEE),
    "the registering unit",
    "registration visible (404), then the action's capability (403): SIGN sends upward, OVERSEE returns",
)

COMPACT_READ = _rule(
    "COMPACT_READ", (Cap.READ,), "the block's owner or a signatory", "compact of a block the user sees, else 404"
)
COMPACT_FILE = _rule(
    "COMPACT_FILE",
    (Cap.FILE,),
    "the block's owner",
    "FILE on the owner of a visible block (403 when the user files for none)",
)

AUDIT_READ = _rule(
    "AUDIT_READ",
    (Cap.READ, Cap.SIGN, Cap.ADMINISTER),
    "the units whose changes are shown",
    "changes of units the user heads or administers (403 without such a role)",
)

DOSSIER_READ = _rule(
    "DOSSIER_READ",
    (Cap.READ, Cap.APPRAISE),
    "the dossier's proposing unit, or its receiving unit once sent",
    "READ on the proposing unit, or APPRAISE on the receiving unit of a sent dossier (404 otherwise); "
    "its nominations and their evidence files alike",
)
DOSSIER_FILE = _rule(
    "DOSSIER_FILE",
    (Cap.READ, Cap.FILE),
    "the dossier's proposing unit (for a new dossier: a unit the user files for)",
    "dossier visible (404), then FILE on the proposing unit (403): open, fill, add nominations and evidence",
)
DOSSIER_ACT = _rule(
    "DOSSIER_ACT",
    (Cap.READ, Cap.FILE, Cap.SIGN, Cap.APPRAISE),
    "the dossier's proposing unit (FILE, SIGN) or receiving unit (APPRAISE)",
    "dossier visible (404), then the workflow action's capability (403): FILE presents, SIGN sends, APPRAISE appraises",
)
DOSSIER_APPRAISE = _rule(
    "DOSSIER_APPRAISE",
    (Cap.READ, Cap.APPRAISE),
    "the dossier's receiving unit",
    "dossier visible (404), then APPRAISE on the receiving unit (403): a reviewer's override of a verdict, "
    "the roll-up of accepted nominations to the next level",
)
NOMINATION_PATH = _rule(
    "NOMINATION_PATH",
    (Cap.READ, Cap.APPRAISE),
    "the dossiers of every nomination of the roll-up chain (source links both ways)",
    "DOSSIER_READ on any nomination of the chain (404 otherwise); levels below the lowest readable one are "
    "left out, higher levels not readable show units, statuses and decision only (no names, no comments)",
)
DECISION_READ = _rule(
    "DECISION_READ",
    (Cap.READ, Cap.APPRAISE),
    "the decision's deciding unit, or the people and collectives it names",
    "READ or APPRAISE on the deciding unit (the whole list), or READ on a person or collective it names "
    "(those lines only); 404 otherwise. Its Excel and JSON exports alike",
)
DECISION_ACT = _rule(
    "DECISION_ACT",
    (Cap.READ, Cap.APPRAISE),
    "the receiving unit of the dossier (record a decision) or the decision's deciding unit (revoke it)",
    "dossier or decision visible (404), then APPRAISE on that unit (403): record or revoke a decision",
)

NOTICE_READ = _rule(
    "NOTICE_READ",
    (Cap.READ,),
    "the notice's publishing unit",
    "READ on the publishing unit (404): a public notice (công khai) and its objections; the senders' "
    "name and contact only to those who may resolve",
)
NOTICE_PUBLISH = _rule(
    "NOTICE_PUBLISH",
    (Cap.READ, Cap.FILE, Cap.APPRAISE),
    "the publishing unit (of the URL, or of the notice)",
    "READ (404), then FILE (its own dossiers) or APPRAISE (the dossiers it received) on the unit (403): "
    "publish or withdraw a public notice",
)
OBJECTION_RESOLVE = _rule(
    "OBJECTION_RESOLVE",
    (Cap.READ, Cap.APPRAISE),
    "the publishing unit of the objection's notice",
    "READ (404), then APPRAISE on the publishing unit (403): resolve or dismiss an objection",
)
NOTICE_PUBLIC = _rule(
    "NOTICE_PUBLIC",
    (),
    "the notice of the token",
    "no login: an open notice only (404 otherwise); of each nominee only the name, the unit and the "
    "proposed award (ND 13/2023); an objection form",
)

COUNCIL_READ = _rule(
    "COUNCIL_READ",
    (Cap.READ,),
    "the council's unit (of the council, meeting or round)",
    "READ on the council's unit (404; seating a member grants it the council_member role there): the council, "
    "its meetings, attendance, agenda, round progress as counts and, once closed, aggregate results only",
)
COUNCIL_MANAGE = _rule(
    "COUNCIL_MANAGE",
    (Cap.READ, Cap.SIGN, Cap.ADMINISTER),
    "the council's unit (for a new council: the unit of the URL)",
    "READ (404), then SIGN or ADMINISTER on the unit, or the seat of the council's chair or secretary (403): "
    "set up a council, seat members, plan meetings, attendance, agenda",
)
COUNCIL_CHAIR = _rule(
    "COUNCIL_CHAIR",
    (Cap.READ,),
    "the meeting of the round",
    "READ on the council's unit (404), then the meeting's chair only (403): create, open, close, recount, "
    "reopen, publish a round; live progress (counts, never choices)",
)
COUNCIL_VOTE = _rule(
    "COUNCIL_VOTE",
    (Cap.READ,),
    "the round",
    "READ on the council's unit (404), then a seat present when the round opened and not yet on the voter "
    "roll (403 / a message): the secret ballot sheet",
)
COUNCIL_COUNT = _rule(
    "COUNCIL_COUNT",
    (Cap.READ,),
    "the round",
    "READ on the council's unit (404), then the secretary or a counting-committee seat (403): paper and "
    "written ballot totals; confirming them takes a second counting-committee member",
)

DOCUMENT_READ = _rule(
    "DOCUMENT_READ",
    (Cap.READ,),
    "the object the document is of (dossier, nomination, meeting, decision, campaign, unit)",
    "the object visible through its own app's selector (404 otherwise, the document's existence included): "
    "the document's page, its progress and its download",
)
DOCUMENT_REQUEST = _rule(
    "DOCUMENT_REQUEST",
    (Cap.READ, Cap.FILE, Cap.SIGN, Cap.APPRAISE),
    "the object the document is of",
    "object visible (404), then the document kind's own predicate (403): the unit that files, signs or "
    "appraises it may have it rendered, signed, or its wet-signed scan attached",
)
DOCUMENT_VERIFY = _rule(
    "DOCUMENT_VERIFY",
    (),
    "the document of the verification code",
    "no login, rate-limited: issuer, number, date and the file hashes of the document of a valid code "
    "(404 otherwise); an uploaded PDF is said to match or not, and is not kept",
)
UNIT_REPORT = _rule(
    "UNIT_REPORT",
    (Cap.READ, Cap.SIGN, Cap.OVERSEE, Cap.APPRAISE),
    "the unit of the URL (the reporting unit)",
    "READ (404), then SIGN, OVERSEE or APPRAISE (403): the unit's summary and the Home Affairs statistical "
    "forms as Excel, counted over what the user may READ of the unit's subtree",
)

ALL_VIEW_RULES: dict[str, ViewRule] = {
    rule.name: rule for rule in [PUBLIC, *globals().values()] if isinstance(rule, ViewRule)
}
