"""The grown tree: intermediate units with their People's Committees and routes, schools, teams."""

from collections import defaultdict

from awards import demo as awards_demo
from awards.enums import AuthorityKind
from units.demo import (
    REFORM_DAY,
    TEAMS,
)
from units.enums import SchoolLevel, UnitKind
from units.models import Unit

from .base import (
    BEFORE_REFORM,
    BIG_DISTRICT,
    BIG_SCHOOL,
    FLOWERS,
    HEROES,
    LEVELS,
    PLACES,
    _Place,
    _slug,
)


class TreeSteps:
    # --- the tree --------------------------------------------------------------------------------

    def tree(self) -> None:
        rng = self.rng
        places = [
            PLACES[i % len(PLACES)] + (f" {i // len(PLACES) + 1}" if i >= len(PLACES) else "")
            for i in range(self.plan.intermediates)
        ]
        offices = [(i, p) for i, p in enumerate(places) if i % 2 == 0]  # Phòng GD&ĐT, as Bình Lâm is drawn
        communes = [(i, p) for i, p in enumerate(places) if i % 2 == 1]  # UBND xã managing schools (Ngọc Sơn)
        new_offices = self._units(
            [
                {
                    "name": f"Phòng Giáo dục và Đào tạo huyện {place}",
                    "short_name": f"Phòng GD&ĐT {place}",
                    "kind": UnitKind.OFFICE,
                    "parent": self.department,
                    "locality": place,
                    "document_code": "PGDĐT",
                    "parent_body_name": f"UBND HUYỆN {place.upper()}",
                    "head_title": "Trưởng phòng",
                }
                for _i, place in offices
            ]
        )
        committees = self._units(
            [
                {
                    "name": f"Ủy ban nhân dân {level} {place}",
                    "short_name": f"UBND {level} {place}",
                    "kind": kind,
                    "parent": parent,
                    "locality": place,
                    "document_code": "UBND",
                    "head_title": "Chủ tịch",
                    **dates,
                }
                for _i, place in offices
                for level, kind, parent, dates in (
                    ("huyện", UnitKind.DISTRICT_AUTHORITY, self.province, {"active_to": BEFORE_REFORM}),
                    ("xã", UnitKind.COMMUNE_AUTHORITY, self.province, {"active_from": REFORM_DAY}),
                )
            ]
            + [
                {
                    "name": f"Ủy ban nhân dân xã {place}",
                    "short_name": f"UBND xã {place}",
                    "kind": UnitKind.COMMUNE_AUTHORITY,
                    "parent": self.department,
                    "locality": place,
                    "document_code": "UBND",
                    "head_title": "Chủ tịch",
                    "active_from": REFORM_DAY,
                }
                for _i, place in communes
            ]
        )
        by_name = {u.name: u for u in committees}
        for office, (_i, place) in zip(new_offices, offices, strict=True):
            self.places.append(_Place(office, f"pgd-{_slug(place)}", f"UBND huyện {place}", is_new=True))
            self._routes_office(
                office, by_name[f"Ủy ban nhân dân huyện {place}"], by_name[f"Ủy ban nhân dân xã {place}"]
            )
        for _i, place in communes:
            commune = by_name[f"Ủy ban nhân dân xã {place}"]
            self.places.append(_Place(commune, f"xa-{_slug(place)}", f"UBND xã {place}", is_new=True))
            self._routes_commune(commune)
        self.places.sort(key=lambda p: p.unit.name)
        # The demo's intermediate units that manage schools today take their share of the new schools.
        demo_places = Unit.objects.filter(
            kind__in=[UnitKind.OFFICE, UnitKind.COMMUNE_AUTHORITY], parent=self.department
        )
        demo_places = demo_places.exclude(pk__in=[p.unit.pk for p in self.places]).filter(active_to__isnull=True)
        for unit in sorted(demo_places, key=lambda u: u.name):  # Python's order: the same on every database
            label = "UBND huyện" if unit.kind == UnitKind.OFFICE else "UBND xã"
            self.places.append(_Place(unit, f"qm-{_slug(unit.locality or unit.name)}", f"{label} {unit.locality}"))
        self._schools(rng)

    def _routes_office(self, office: Unit, district: Unit, commune: Unit) -> None:
        from awards.services.routes import authority_route_create

        def add(kind, decider, via, start=awards_demo.LAW_2022, end=None, basis=awards_demo.BASIS_DISTRICT):
            authority_route_create(
                unit=office,
                authority_kind=kind,
                decider=decider,
                via=via,
                effective_from=start,
                effective_to=end,
                legal_basis=basis,
                is_verified=False,
                by=None,
            )
            self.added["AuthorityRoute"] += 1

        for kind in (AuthorityKind.DISTRICT_CHAIR, AuthorityKind.UNIT_HEAD):
            add(kind, district, [office], end=BEFORE_REFORM)
        add(AuthorityKind.COMMUNE_CHAIR, commune, [office], start=REFORM_DAY, basis=awards_demo.BASIS_COMMUNE)
        add(AuthorityKind.PROVINCIAL_CHAIR, self.province, [office, self.department], basis=awards_demo.BASIS_PROVINCE)

    def _routes_commune(self, commune: Unit) -> None:
        from awards.services.routes import authority_route_create

        authority_route_create(
            unit=commune,
            authority_kind=AuthorityKind.COMMUNE_CHAIR,
            decider=commune,
            effective_from=REFORM_DAY,
            legal_basis=awards_demo.BASIS_COMMUNE,
            is_verified=True,
            by=None,
        )
        self.added["AuthorityRoute"] += 1

    def _schools(self, rng) -> None:
        levels = []
        for level, share, *_rest in LEVELS:
            levels += [level] * share
        rng.shuffle(levels)
        info = {level: rest for level, _share, *rest in LEVELS}
        specs, meta, taken = [], [], defaultdict(int)
        for index in range(self.plan.schools):
            level = levels[index % len(levels)]
            label, prefix, code = info[level]
            place = (
                None if level == SchoolLevel.UPPER_SECONDARY else self.places[index % len(self.places)]
            )  # THPT under the Sở
            parent = place.unit if place else self.department
            names = FLOWERS if level == SchoolLevel.PRESCHOOL else HEROES
            base = names[rng.randrange(len(names))]
            taken[(parent.pk, level, base)] += 1
            number = taken[(parent.pk, level, base)]
            short = f"{label} {base}" + (f" số {number}" if number > 1 else "")
            locality = parent.locality or "Sơn Hà"
            specs.append(
                {
                    "name": f"Trường {short}",
                    "short_name": short,
                    "kind": UnitKind.SCHOOL,
                    "school_level": level,
                    "parent": parent,
                    "locality": locality,
                    "document_code": code,
                    "parent_body_name": parent.name.upper(),
                    "head_title": "Hiệu trưởng",
                }
            )
            slug = f"{prefix}-{_slug(base)}{number if number > 1 else ''}-{_slug(locality)}"
            meta.append((place, slug))
        bl = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith=BIG_DISTRICT)
        specs.append(
            {
                "name": BIG_SCHOOL,
                "short_name": "Tiểu học Thị trấn Bình Lâm",
                "kind": UnitKind.SCHOOL,
                "school_level": SchoolLevel.PRIMARY,
                "parent": bl,
                "locality": BIG_DISTRICT,
                "document_code": "TH",
                "parent_body_name": bl.name.upper(),
                "head_title": "Hiệu trưởng",
            }
        )
        meta.append((None, "th-thitranbl"))
        schools = self._units(specs)
        self.big = schools[-1]
        self.schools = schools[:-1]
        self.slugs = {school.pk: slug for school, (_place, slug) in zip(schools, meta, strict=True)}
        for school, (place, _) in zip(self.schools, meta[:-1], strict=True):
            if place is not None:
                place.schools.append(school)
        team_specs = [
            {"name": name, "kind": UnitKind.TEAM, "parent": school}
            for school in schools
            for name in TEAMS[school.school_level]
        ]
        teams = self._units(team_specs)
        for school in schools:
            self.teams[school.pk] = [t for t in teams if t.parent_id == school.pk]
