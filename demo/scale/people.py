"""People, accounts, and five school years of ratings and awards."""

import datetime
from collections import defaultdict

from awards.enums import RecordSource, TaskRating
from awards.models import AwardRecord, TaskEvaluation
from awards.schoolyear import school_year_of
from core.text import nfc
from units.demo import (
    REFORM_DAY,
)
from units.enums import Gender, Role, UnitKind
from units.models import Person, Unit, UnitRole

from .base import (
    BATCH,
    BIG_DOSSIER,
    COMMUNE_STAFF,
    COUNCIL_SEATS,
    GOOD_RATINGS,
    HISTORY_YEARS,
    OFFICE_STAFF,
    RATING_WEIGHTS,
    RATINGS,
    User,
    _Place,
)


class PeopleSteps:
    # --- people and accounts ---------------------------------------------------------------------

    def people_and_accounts(self) -> None:
        rng = self.rng
        rows, heads, staff_of_place = [], {}, {}
        for place in self.places:
            if not place.is_new:
                continue  # a demo unit: its staff are the demo's
            used: set = set()
            office = place.unit.kind == UnitKind.OFFICE
            head, vice, officer = OFFICE_STAFF if office else COMMUNE_STAFF
            chief = self._person(used, place.unit, head, manager=True, female_share=0.4)
            deputy = self._person(used, place.unit, vice, manager=True)
            officers = [self._person(used, place.unit, officer) for _ in range(rng.randint(8, 12))]
            rows += [chief, deputy, *officers]
            heads[place.unit.pk] = chief
            staff_of_place[place.unit.pk] = (chief, officers[0])
        schools = [*self.schools, self.big]
        for school in schools:
            used = set()
            principal = self._person(used, school, "Hiệu trưởng", manager=True, female_share=0.6)
            vices = [self._person(used, school, "Phó Hiệu trưởng", manager=True) for _ in range(rng.randint(1, 2))]
            members = [principal, *vices]
            heads[school.pk] = principal
            for team in self.teams[school.pk]:
                office = team.name == "Tổ văn phòng"
                lead = self._person(used, team, "Tổ trưởng")
                heads[team.pk] = lead
                if school is self.big:
                    size = 3 if office else BIG_DOSSIER // 2
                else:
                    size = rng.randint(3, 5) if office else rng.randint(12, 18)
                members += [lead] + [
                    self._person(used, team, "Nhân viên" if office else "Giáo viên") for _ in range(size)
                ]
            secretary = self._person(used, self.teams[school.pk][-1], "Nhân viên văn thư")
            members.append(secretary)
            self.people[school.pk] = members
            staff_of_place[school.pk] = (principal, secretary)
            rows += members
        self._bulk(Person, rows)
        units = {
            u.pk: u for u in [*schools, *[t for ts in self.teams.values() for t in ts], *(p.unit for p in self.places)]
        }
        changed = []
        for unit_pk, person in heads.items():
            unit = units[unit_pk]
            unit.head = person
            if unit.kind == UnitKind.TEAM:
                unit.head_title = "Tổ trưởng"
            changed.append(unit)
        Unit.objects.bulk_update(changed, ["head", "head_title"], batch_size=BATCH)
        self._accounts(staff_of_place)

    def _accounts(self, staff_of_place: dict) -> None:
        users, roles, linked = [], [], []

        def account(username, role, unit, person=None, name=""):
            first, _, last = nfc(person.full_name if person else name).rpartition(" ")
            user = User(username=username, password=self.password, first_name=first, last_name=last)
            users.append(user)
            roles.append((user, unit, role))
            if person is not None:
                linked.append((person, user))
            return user

        for place in self.places:
            if place.unit.pk in staff_of_place:
                head, officer = staff_of_place[place.unit.pk]
                title = "truongphong" if place.unit.kind == UnitKind.OFFICE else "chutich"
                account(f"{place.code}.{title}", Role.HEAD, place.unit, head)
                account(f"{place.code}.chuyenvien", Role.REVIEWER, place.unit, officer)
                account(f"{place.code}.thuky", Role.SECRETARY, place.unit, name="Thư ký TĐKT")
        for school in [*self.schools, self.big]:
            head, secretary = staff_of_place[school.pk]
            slug = self.slugs[school.pk]
            account(f"{slug}.hieutruong", Role.HEAD, school, head)
            account(f"{slug}.thuky", Role.SECRETARY, school, secretary)
        self.council_users = {}
        for place in self._council_places():
            used: set = set()
            seats = []
            for n in range(COUNCIL_SEATS):
                name = self._name(used, Gender.FEMALE if n % 2 else Gender.MALE)
                seats.append(account(f"{place.code}.hoidong{n + 1}", Role.COUNCIL_MEMBER, place.unit, name=name))
            self.council_users[place.unit.pk] = seats
        self._bulk(User, users)
        self._bulk(UnitRole, [UnitRole(user=user, unit=unit, role=role) for user, unit, role in roles])
        for person, user in linked:
            person.user = user
        Person.objects.bulk_update([p for p, _u in linked], ["user"], batch_size=BATCH)

    def _council_places(self) -> list[_Place]:
        """Units that receive dossiers with council states: every place with schools, and the Sở (THPT)."""
        places = [p for p in self.places if p.schools]
        bl = self.big.parent
        if not any(p.unit.pk == bl.pk for p in places):
            places.append(_Place(bl, "qm-binhlam", "UBND huyện Bình Lâm"))
        return [*places, _Place(self.department, "qm-so", "Sở Giáo dục và Đào tạo")]

    # --- history and this year's ratings ---------------------------------------------------------

    def history(self) -> None:
        rng = self.rng
        years = list(range(self.year - HISTORY_YEARS, self.year))
        evaluations, records, number = [], [], defaultdict(int)
        issuers = self._issuers()
        for school in [*self.schools, self.big]:
            people = self.people[school.pk]
            team_of = {p.pk: p.unit_id for p in people}
            for year in years:
                issuer, suffix = issuers[school.pk](year)
                number[(issuer, year)] += 1
                decision = f"{number[(issuer, year)] * 7 + 100}/{suffix}"
                decided = datetime.date(year + 1, 6, 20)
                common = {
                    "school_year": year,
                    "decision_date": decided,
                    "issuer": issuer,
                    "source": RecordSource.IMPORTED,
                }
                rated = {}
                for person in people:
                    if school_year_of(person.service_start) > year:
                        continue
                    rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
                    rated[person.pk] = rating
                    evaluations.append(
                        TaskEvaluation(person=person, school_year=year, rating=rating, source=RecordSource.IMPORTED)
                    )
                    if rating in GOOD_RATINGS:
                        records.append(self._record("LDTT", common, decision, person=person))
                    if rating == TaskRating.EXCELLENT and rng.random() < 0.6:
                        records.append(self._record("CSTDCS", common, f"{decision}-CS", person=person))
                if rated:
                    good = [pk for pk, r in rated.items() if r in GOOD_RATINGS]
                    share = len(good) / len(rated)
                    complete = TaskRating.NOT_COMPLETE not in rated.values()
                    title = "TTLDXS" if complete and share >= 0.7 else "TTLDTT" if share > 0.5 else None
                    if title:
                        records.append(self._record(title, common, f"{decision}-TT", unit=school))
                    for team in self.teams[school.pk]:
                        in_team = [pk for pk in rated if team_of[pk] == team.pk]
                        if in_team and sum(1 for pk in in_team if rated[pk] in GOOD_RATINGS) / len(in_team) > 0.5:
                            records.append(self._record("TTLDTT", common, f"{decision}-TT", unit=team))
            for person in people:  # this year's ratings, as the year-end review has them
                rating = rng.choices(RATINGS[:3], [25, 68, 7])[0]
                self.ratings[person.pk] = rating
                evaluations.append(
                    TaskEvaluation(
                        person=person, school_year=self.year, rating=rating, source=RecordSource.DECIDED_HERE
                    )
                )
            if len(evaluations) >= 20 * BATCH:
                self._bulk(TaskEvaluation, evaluations)
                evaluations = []
            if len(records) >= 20 * BATCH:
                self._bulk(AwardRecord, records)
                records = []
        self._bulk(TaskEvaluation, evaluations)
        self._bulk(AwardRecord, records)

    def _record(self, code: str, common: dict, decision: str, *, person=None, unit=None) -> AwardRecord:
        award = self._award(code, common["school_year"], common["decision_date"])
        return AwardRecord(
            person=person,
            unit=unit,
            award_type=award,
            commendation_kind=award.commendation_kind,
            decision_number=decision,
            **common,
        )

    def _issuers(self) -> dict:
        """Per school: year -> (issuer of its yearly titles, decision symbol)."""
        out = {}
        places = {p.unit.pk: p for p in self.places}
        for school in [*self.schools, self.big]:
            place = places.get(school.parent_id)
            if school.parent_id == self.department.pk:
                out[school.pk] = lambda year: ("Sở Giáo dục và Đào tạo", "QĐ-SGDĐT")
            else:
                locality = school.locality
                out[school.pk] = lambda year, locality=locality, place=place: (
                    (f"UBND xã {locality}", "QĐ-UBND")
                    if year >= REFORM_DAY.year and place is not None and place.unit.kind == UnitKind.COMMUNE_AUTHORITY
                    else (f"UBND huyện {locality}", "QĐ-UBND")
                )
        return out
