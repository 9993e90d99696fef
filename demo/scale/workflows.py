"""Campaigns with the schools' registrations; dossiers and nominations at every state, decisions."""

import datetime
from collections import defaultdict

from awards.enums import RecordSource, TaskRating
from awards.models import AwardRecord
from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction, RegistrationStatus
from campaigns.models import Campaign, Deadline, Registration, RegistrationCollectiveLine, RegistrationLine
from core.text import joined_search_key
from nominations.enums import DossierStatus, RoundKind
from nominations.models import Decision, Dossier, Nomination
from units.enums import UnitKind
from units.models import Unit

from .base import (
    BIG_DOSSIER,
    DOSSIER_CYCLE,
    GOOD_RATINGS,
    NOMINATION_CYCLE,
    REGISTRATION_CYCLE,
    SCALE_CAMPAIGN,
    SUMMARY,
    UNIT_CAMPAIGN,
    N,
    _aware,
)


class WorkflowSteps:
    # --- campaigns and registrations -------------------------------------------------------------

    def registrations(self) -> None:
        year, rng = self.year, self.rng
        launched = _aware(self.today - datetime.timedelta(days=30))
        campaigns = [
            Campaign(
                name=SCALE_CAMPAIGN.format(year=year, next=year + 1),
                kind=CampaignKind.REGULAR,
                status=CampaignStatus.LAUNCHED,
                launched_by=self.department,
                school_year=year,
                document_number="512",
                document_symbol="KH-SGDĐT",
                issued_on=self.today - datetime.timedelta(days=30),
                place="Sơn Hà",
                launched_at=launched,
            )
        ] + [
            Campaign(
                name=UNIT_CAMPAIGN.format(year=year, next=year + 1, unit=place.unit.short_name or place.unit.name),
                kind=CampaignKind.REGULAR,
                status=CampaignStatus.LAUNCHED,
                launched_by=place.unit,
                school_year=year,
                document_number=str(300 + index),
                document_symbol="KH-PGDĐT" if place.unit.kind == UnitKind.OFFICE else "KH-UBND",
                issued_on=self.today - datetime.timedelta(days=20),
                place=place.unit.locality,
                launched_at=launched,
            )
            for index, place in enumerate(self.places)
            if place.schools
        ]
        self._bulk(Campaign, campaigns)
        self._bulk(
            Deadline,
            [
                Deadline(
                    campaign=c,
                    action=DeadlineAction.REGISTER,
                    unit_kind=UnitKind.SCHOOL,
                    due_date=self.today + datetime.timedelta(days=10),
                    note="Thủ trưởng gửi bản đăng ký thi đua trên cổng",
                )
                for c in campaigns
            ],
        )
        of_unit = {c.launched_by_id: c for c in campaigns[1:]}
        ldtt, cstdcs = self._award("LDTT", year), self._award("CSTDCS", year)
        ttldtt, ttldxs = self._award("TTLDTT", year), self._award("TTLDXS", year)
        registrations, plans = [], []
        for index, school in enumerate(self.schools):
            for campaign in (campaigns[0], of_unit.get(school.parent_id)):
                if campaign is None:
                    continue
                status = REGISTRATION_CYCLE[(index + len(registrations)) % len(REGISTRATION_CYCLE)]
                sent = status in (RegistrationStatus.SUBMITTED, RegistrationStatus.RETURNED)
                registrations.append(
                    Registration(
                        campaign=campaign,
                        unit=school,
                        status=status,
                        collective_title=ttldxs,
                        submitted_at=_aware(self.today - datetime.timedelta(days=rng.randint(1, 20))) if sent else None,
                    )
                )
                plans.append(school)
        self._bulk(Registration, registrations)
        lines, team_lines = [], []
        for registration, school in zip(registrations, plans, strict=True):
            people = self.people[school.pk][: rng.randint(6, 12)]
            lines += [
                RegistrationLine(
                    registration=registration,
                    order=n + 1,
                    person=p,
                    position=p.position,
                    title=cstdcs if n == 0 else ldtt,
                )
                for n, p in enumerate(people)
            ]
            team_lines += [
                RegistrationCollectiveLine(registration=registration, order=n + 1, team=team, title=ttldtt)
                for n, team in enumerate(self.teams[school.pk])
            ]
        self._bulk(RegistrationLine, lines)
        self._bulk(RegistrationCollectiveLine, team_lines)

    # --- dossiers, nominations, decisions ----------------------------------------------------------

    def dossiers(self) -> None:
        rng, year, plan = self.rng, self.year, self.plan
        rounds = [RoundKind.YEAR_END, RoundKind.EXEMPLARY, RoundKind.CAMPAIGN]
        dossiers, per_school = [], defaultdict(int)
        # Shuffled, so that every intermediate unit receives dossiers at every state.
        statuses = [DOSSIER_CYCLE[index % len(DOSSIER_CYCLE)] for index in range(plan.dossiers)]
        rng.shuffle(statuses)
        for index, status in enumerate(statuses):
            school = self.schools[index % len(self.schools)]
            round_kind = rounds[per_school[school.pk] % len(rounds)]
            per_school[school.pk] += 1
            dossiers.append(self._dossier(school, status, round_kind, number=index + 1, days=rng.randint(1, 40)))
        big = self._dossier(self.big, DossierStatus.UNDER_APPRAISAL, RoundKind.YEAR_END, number=1, days=3)
        big.title = f"Tờ trình đề nghị khen thưởng năm học {year}-{year + 1} ({BIG_DOSSIER} đề nghị)"
        big.search_key = joined_search_key(big.title, big.submission_number, length=600)
        self._bulk(Dossier, [*dossiers, big])
        self.big_dossier = big

        sizes = [plan.nominations // plan.dossiers] * plan.dossiers
        for index in range(plan.nominations % plan.dossiers):
            sizes[index] += 1
        nominations = []
        for dossier, size in zip(dossiers, sizes, strict=True):
            cycle = NOMINATION_CYCLE[dossier.status]
            for n, (person, unit, code) in enumerate(self._candidates(dossier.unit, size)):
                nominations.append(self._nomination(dossier, person, unit, code, cycle[n % len(cycle)]))
        nominations += [
            self._nomination(big, person, None, "LDTT", N.PROPOSED)
            for person in [p for p in self.people[self.big.pk] if p.position == "Giáo viên"][:BIG_DOSSIER]
        ]
        self._decide(nominations)
        self._bulk(Nomination, nominations)
        self.nominations = nominations
        self.dossier_rows = [*dossiers, big]

    def _dossier(self, school: Unit, status: str, round_kind: str, *, number: int, days: int) -> Dossier:
        year = self.year
        received = status not in (DossierStatus.DRAFT, DossierStatus.AWAITING_HEAD)
        title = {
            RoundKind.YEAR_END: f"Tờ trình đề nghị khen thưởng năm học {year}-{year + 1}",
            RoundKind.EXEMPLARY: "Tờ trình đề nghị khen thưởng đột xuất",
            RoundKind.CAMPAIGN: "Tờ trình đề nghị khen thưởng phong trào thi đua",
        }[round_kind]
        submission = f"{number % 90 + 10}/TTr-{school.document_code}" if received else ""
        return Dossier(
            unit=school,
            round_kind=round_kind,
            school_year=year,
            receiving_unit=school.parent,
            title=title,
            submission_number=submission,
            submission_date=self.today - datetime.timedelta(days=days + 1) if received else None,
            search_key=joined_search_key(title, submission, length=600),
            status=status,
            sent_at=_aware(self.today - datetime.timedelta(days=days)) if received else None,
        )

    def _candidates(self, school: Unit, size: int):
        """(person, unit, award code) of a dossier: the school's collective title, then its people's LĐTT
        (CSTĐCS too for those rated excellent), the best rated first."""
        out = [(None, school, "TTLDXS")] if size >= 3 else []
        people = sorted(
            self.people[school.pk], key=lambda p: (self.ratings[p.pk] != TaskRating.EXCELLENT, self.ratings[p.pk])
        )
        for person in people:
            out.append((person, None, "LDTT"))
            if self.ratings[person.pk] == TaskRating.EXCELLENT and len(out) % 8 == 0:
                out.append((person, None, "CSTDCS"))
        if size > len(out):
            raise ValueError(f"{school.name}: {size} nominations asked, {len(out)} candidates")
        return out[:size]

    def _nomination(self, dossier, person, unit, code: str, status: str) -> Nomination:
        rated = self.ratings.get(person.pk) if person else TaskRating.EXCELLENT
        eligible = code != "CSTDCS" or rated == TaskRating.EXCELLENT
        return Nomination(
            dossier=dossier,
            person=person,
            unit=unit,
            award_type=self._award(code, self.year),
            summary=SUMMARY,
            status=status,
            verdict="eligible" if eligible and rated in GOOD_RATINGS else "needs_review",
            checked_at=dossier.sent_at,
        )

    def _decide(self, nominations: list[Nomination]) -> None:
        """One decision per deciding unit for its decided dossiers; a record for each nomination awarded."""
        decided = defaultdict(list)
        for n in nominations:
            if n.dossier.status == DossierStatus.DECIDED:
                decided[n.dossier.receiving_unit].append(n)
        decisions, records = [], []
        for index, (unit, rows) in enumerate(sorted(decided.items(), key=lambda kv: kv[0].name)):
            issuer = f"Ủy ban nhân dân {unit.locality}" if unit.kind != UnitKind.DEPARTMENT else unit.name
            decision = Decision(
                deciding_unit=unit,
                school_year=self.year,
                number=f"{500 + index}/QĐ-{unit.document_code or 'UBND'}",
                date=self.today - datetime.timedelta(days=2),
                signer=unit.head.full_name if unit.head else "Nguyễn Văn An",
                signer_title="Chủ tịch" if unit.kind != UnitKind.DEPARTMENT else "Giám đốc",
                issuer=issuer,
                excerpt=f"Về việc khen thưởng năm học {self.year}-{self.year + 1}",
            )
            decision.search_key = joined_search_key(decision.number, decision.issuer, decision.excerpt, length=900)
            decisions.append(decision)
            for n in rows:
                n.decision = decision
                if n.status == N.AWARDED:
                    n.award_record = AwardRecord(
                        person=n.person,
                        unit=n.unit,
                        award_type=n.award_type,
                        school_year=self.year,
                        commendation_kind=n.award_type.commendation_kind,
                        decision_number=decision.number,
                        decision_date=decision.date,
                        issuer=issuer,
                        source=RecordSource.DECIDED_HERE,
                    )
                    records.append(n.award_record)
        self._bulk(Decision, decisions)
        self._bulk(AwardRecord, records)  # bulk_create then takes the ids of the saved decisions and records
        self.decisions = decisions
