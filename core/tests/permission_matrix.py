# ruff: noqa: E501 (a table: one row per URL, one column per persona, easier to review unwrapped)
"""Expected status of every URL for every persona (see test_permission_matrix.py).

Each row was generated once from the observed statuses, then reviewed against the
role table of units/rules.py: secretaries and council members read only their own
unit and its teams; heads, reviewers and administrators read their subtree.
A row that disagrees with the code is kept at the correct value and listed in
KNOWN_BUGS, so the matrix fails until the view is fixed.
"""

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"
# The columns of every row. The targets are objects of Trường Mầm non Hoa Sen (Bình Lâm) or of its Phòng
# (see TARGETS in test_permission_matrix.py).
PERSONAS = [
    ANONYMOUS,
    OUTSIDER,  # an account with no role
    "admin",  # Django superuser
    "so.quantri",
    "so.giamdoc",
    "so.chuyenvien",
    "so.hoidong",
    "so.thuky",
    "pgd-bl.truongphong",
    "pgd-bl.chuyenvien",
    "pgd-bl.thuky",
    "pgd-dh.chuyenvien",  # reviewer of another Phòng
    "mn-hoasen-bl.hieutruong",
    "mn-hoasen-bl.quantri",
    "mn-hoasen-bl.thuky",
    "mn-hoasen-bl.hoidong",
    "mn-sonca-bl.thuky",  # secretary of a sibling school
    "kiemnhiem.thuky",  # secretary of THCS Nguyễn Du (Đông Hải), council member of the reference school
]


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(PERSONAS)
    return dict(zip(PERSONAS, statuses, strict=True))


# Columns:  anon out  admin so.qt so.gd so.cv so.hd so.tk pl.tp pl.cv pl.tk dh.cv hs.ht hs.qt hs.tk hs.hd sc.tk kiem
# fmt: off
EXPECTED: dict[str, dict[str, int]] = {
    "audit:list": row(302, 403, 200, 200, 200, 403, 403, 403, 200, 403, 403, 403, 200, 200, 403, 403, 403, 403),
    "awards:catalog": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "awards:catalog_detail": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "awards:decision_create": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 200, 404, 404, 404, 404, 404, 404, 404),
    "awards:discipline_create": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:discipline_delete": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:discipline_end": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:evaluation_grid": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:history_import": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:import_template": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "awards:initiative_create": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:initiative_edit": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:initiative_home": row(302, 404, 404, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    "awards:initiative_list": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "awards:initiative_recognise": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 404, 404, 200, 200, 403, 403, 404, 403),
    "awards:people_search": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "awards:person_check": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 404, 200),
    "awards:person_history": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 404, 200),
    "awards:record_revoke": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 404, 403),
    "awards:route_create": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 403, 404, 404, 404, 404, 404, 404, 404),
    "awards:route_end": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 403, 404, 404, 404, 404, 404, 404, 404),
    "awards:route_list": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 404, 200),
    "awards:route_supersede": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 403, 404, 404, 404, 404, 404, 404, 404),
    "awards:service_period_create": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:service_period_delete": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "awards:unit_check": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 404, 200),
    "awards:unit_history": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "awards:unit_records_export": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "campaigns:award_add": row(302, 404, 200, 200, 403, 403, 404, 404, 200, 403, 200, 404, 403, 403, 403, 403, 403, 403),
    "campaigns:award_remove": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "campaigns:calendar": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "campaigns:compact_create": row(302, 403, 200, 200, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403, 403, 403, 403),
    "campaigns:compact_detail": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 200, 200, 200, 200, 200, 200),
    "campaigns:compact_list": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "campaigns:create": row(302, 403, 200, 200, 200, 403, 403, 200, 200, 403, 200, 403, 200, 200, 200, 403, 200, 200),
    "campaigns:deadline_add": row(302, 404, 200, 200, 403, 403, 404, 404, 200, 403, 200, 404, 403, 403, 403, 403, 403, 403),
    "campaigns:deadline_complete": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "campaigns:deadline_extend": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 403, 404, 403, 403, 403, 403, 403, 403),
    "campaigns:deadline_remove": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "campaigns:detail": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 200, 200, 200, 200, 200, 200),
    "campaigns:edit": row(302, 404, 200, 200, 403, 403, 404, 404, 200, 403, 200, 404, 403, 403, 403, 403, 403, 403),
    "campaigns:launch": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "campaigns:list": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "campaigns:phase_create": row(302, 404, 200, 200, 403, 403, 404, 404, 200, 403, 200, 404, 403, 403, 403, 403, 403, 403),
    "campaigns:phase_edit": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "campaigns:registration_detail": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 404, 200),
    "campaigns:registration_edit": row(302, 404, 302, 302, 403, 403, 404, 404, 403, 403, 404, 404, 302, 302, 302, 403, 404, 403),
    "campaigns:registration_export": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 200, 200, 200, 200, 200, 200),
    "campaigns:registration_overview": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 200, 200, 200, 200, 200, 200),
    "campaigns:registration_transition": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "healthz": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "home": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "notifications:list": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "notifications:read": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "switch_role": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "units:block_create": row(302, 403, 200, 200, 200, 403, 403, 403, 200, 403, 403, 403, 200, 200, 403, 403, 403, 403),
    "units:block_detail": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 200, 200, 200, 200, 200, 200),
    "units:block_edit": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 403, 404, 403, 403, 403, 403, 403, 403),
    "units:block_list": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "units:child_create": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 404, 403),
    "units:detail": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 404, 200),
    "units:edit": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 403, 403, 404, 403),
    "units:list": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "units:move": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 404, 403),
    "units:people_export": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    "units:people_import": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "units:people_template": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "units:person_create": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "units:person_detail": row(302, 404, 200, 200, 200, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 404, 200),
    "units:person_edit": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "units:person_list": row(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "units:person_transfer": row(302, 404, 200, 200, 200, 403, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 404, 403),
    "units:role_revoke": row(302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "units:roles": row(302, 404, 200, 200, 403, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 404, 403),
}
# fmt: on

# (url name, persona) -> why the observed status differs from the expected one, and who fixes it.
KNOWN_BUGS: dict[tuple[str, str], str] = {
    # H1 (units block page): the template's `block` variable is shadowed by Django's {% block %}: 500 for
    # every persona who may edit the block.
    **{
        ("units:block_detail", p): "500 for those who may edit the block"
        for p in ("admin", "so.quantri", "so.giamdoc", "pgd-bl.truongphong")
    },
}
