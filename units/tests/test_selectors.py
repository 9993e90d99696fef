import pytest

from units.selectors import people_visible_to, units_visible_to


def names(qs):
    return sorted(u.name for u in qs)


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("secretary_a1", ["Trường Tiểu học A1", "Tổ khối 1"]),
        ("council_a1", ["Trường Tiểu học A1", "Tổ khối 1"]),
        ("head_a1", ["Trường Tiểu học A1", "Tổ khối 1"]),
        ("reviewer_a", ["Phòng GD&ĐT A", "Trường Mầm non A2", "Trường Tiểu học A1", "Tổ khối 1"]),
        ("secretary_a2", ["Trường Mầm non A2"]),
        ("reviewer_b", ["Phòng GD&ĐT B", "Trường THCS B1"]),
        ("outsider", []),
    ],
)
def test_units_visible_to_each_persona(personas, persona, expected):
    assert names(units_visible_to(personas[persona])) == sorted(expected)


def test_units_visible_to_department_admin_is_whole_subtree(personas, tree):
    assert units_visible_to(personas["admin_dept"]).count() == len(tree)


def test_people_visible_to_follows_units(personas, tree, person_factory):
    mine = person_factory(tree["team_a1"])
    sibling = person_factory(tree["school_a2"])
    assert list(people_visible_to(personas["secretary_a1"])) == [mine]
    assert list(people_visible_to(personas["secretary_a2"])) == [sibling]
    assert set(people_visible_to(personas["reviewer_a"])) == {mine, sibling}
    assert list(people_visible_to(personas["reviewer_b"])) == []


def test_visibility_is_one_query_at_any_depth(personas, django_assert_num_queries):
    user = personas["reviewer_a"]
    with django_assert_num_queries(2):  # the user's roles, then the units
        list(units_visible_to(user))
