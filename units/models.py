from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, Versioned
from core.text import fold, nfc

from .enums import Gender, Role, SchoolLevel, UnitKind
from .search_keys import person_search_key, unit_search_key


class PathField(models.CharField):
    """A materialised unit path ("/1/4/17/") on a row of another table (Person.unit_path)."""


@PathField.register_lookup
class Within(models.Lookup):
    """`unit_path__within=<path or expression>`: the path is the given one or below it, as a range of
    the byte order (`>= path AND < path || '~'`; paths hold only digits and "/", which sort before "~").
    Unlike `LIKE expression || '%'`, a range on an outer column (a correlated subquery) uses the index:
    on PostgreSQL with the pattern operators of the varchar_pattern_ops index, whatever the collation."""

    lookup_name = "within"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        ge, lt = ("~>=~", "~<~") if connection.vendor == "postgresql" else (">=", "<")
        sql = f"({lhs} {ge} {rhs} AND {lhs} {lt} ({rhs} || %s))"
        return sql, (*lhs_params, *rhs_params, *lhs_params, *rhs_params, "~")


# Rows of the apps above that copy a person's full name or a unit's name (nominations.Nomination.candidate_sort)
# register a function here (units knows no other app): every write that may rename calls it with the ids, after the
# write and in its transaction (`people=` person ids, `units=` unit ids).
NAME_FOLLOWERS: list = []


def _follow_names(*, people=(), units=()) -> None:
    for follow in NAME_FOLLOWERS:
        follow(people=people, units=units)


class UnitQuerySet(models.QuerySet):
    """Keeps the copies of a unit's name (NAME_FOLLOWERS) true on the write paths that call no `save()`."""

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        done = super().bulk_update(objs, fields, *args, **kwargs)
        if "name" in fields:
            _follow_names(units=[obj.pk for obj in objs])
        return done

    def update(self, **kwargs):
        if "name" not in kwargs or not NAME_FOLLOWERS:
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        done = super().update(**kwargs)
        _follow_names(units=ids)
        return done


class Unit(Versioned, TimeStampedModel):
    """A node of the administrative tree: ministry, authority, Sở, Phòng, school, team.

    `path` is a materialised path ("/1/4/17/") so that a subtree is one indexed
    `LIKE 'prefix%'` query and an ancestor check needs no query at all.
    """

    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại đơn vị", max_length=32, choices=UnitKind.choices, db_index=True)
    school_level = models.CharField("cấp học", max_length=32, choices=SchoolLevel.choices, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    # Folded name and short name (core.text.search_key) for search without diacritics; see search/.
    search_key = models.CharField(max_length=400, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    locality = models.CharField("địa danh", max_length=100, blank=True, help_text="Ghi trên văn bản, ví dụ: Gia Lâm")
    document_code = models.CharField(
        "ký hiệu văn bản", max_length=32, blank=True, help_text="Ví dụ: PGDĐT trong Số: 05/TTr-PGDĐT"
    )
    parent_body_name = models.CharField(
        "cơ quan chủ quản", max_length=255, blank=True, help_text="Dòng trên tên đơn vị ở đầu văn bản"
    )
    head = models.ForeignKey(
        "Person",
        verbose_name="thủ trưởng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    head_title = models.CharField("chức danh thủ trưởng", max_length=100, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    active_from = models.DateField("hoạt động từ ngày", null=True, blank=True)
    active_to = models.DateField("hoạt động đến ngày", null=True, blank=True)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL uses an index only with pattern ops
            # under a non-C collation; SQLite ignores opclasses.
            models.Index(fields=["path"], name="unit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "kind"], name="unit_parent_kind"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("units:detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The name as read, on `_state` (not a field): a save calls NAME_FOLLOWERS only if it changed.
        instance._state.loaded_name = instance.__dict__.get("name")
        return instance

    def save(self, *args, **kwargs):
        # Derived on every save path, like Person.name_key, so search never sees a stale key.
        self.search_key = unit_search_key(self.name, self.short_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "short_name"} & set(update_fields):
            kwargs["update_fields"] = [*dict.fromkeys([*update_fields, "search_key"])]
        renamed = (
            not self._state.adding
            and (update_fields is None or "name" in update_fields)
            and getattr(self._state, "loaded_name", None) != self.name
        )
        super().save(*args, **kwargs)
        self._state.loaded_name = self.name
        if renamed:
            _follow_names(units=[self.pk])

    def is_descendant_of(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def subtree_q(self, field: str = "") -> Q:
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path__startswith": self.path})

    def active_on(self, day) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )


class EmulationBlock(TimeStampedModel):
    """Khối / cụm thi đua: units that compete together, across the tree."""

    name = models.CharField("tên khối/cụm", max_length=255)
    owner = models.ForeignKey(
        Unit, verbose_name="đơn vị tổ chức", on_delete=models.PROTECT, related_name="owned_blocks"
    )
    members = models.ManyToManyField(Unit, verbose_name="đơn vị thành viên", related_name="blocks")
    school_year = models.PositiveSmallIntegerField(
        "năm học (năm bắt đầu)", null=True, blank=True, help_text="2024 là năm học 2024-2025"
    )

    class Meta:
        verbose_name = "khối/cụm thi đua"
        verbose_name_plural = "khối/cụm thi đua"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("units:block_detail", args=[self.pk])


# Models of the apps above whose rows carry their person's unit path in `unit_path` (awards.AwardRecord): they
# register here (units knows no other app), and every write that changes a person's unit rewrites theirs.
PERSON_PATH_FOLLOWERS: list[type[models.Model]] = []


def _follow_people(people) -> None:
    """Rewrite the followers' `unit_path` of these people (a queryset or ids) from Person.unit_path: one UPDATE
    per follower model."""
    for model in PERSON_PATH_FOLLOWERS:
        path = models.Subquery(Person.objects.filter(pk=models.OuterRef("person_id")).values("unit_path")[:1])
        model._base_manager.filter(person_id__in=people).update(unit_path=path)


class PersonQuerySet(models.QuerySet):
    """Keeps `Person.unit_path` (and its followers') true on the bulk write paths, which call no `save()`."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _fill_unit_paths(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        moved = {"unit", "unit_id"} & set(fields)
        if moved:
            _fill_unit_paths(objs, force=True)
            fields = [*dict.fromkeys([*fields, "unit_path"])]
        done = super().bulk_update(objs, fields, *args, **kwargs)
        if moved:
            _follow_people([obj.pk for obj in objs])
        if "full_name" in fields:
            _follow_names(people=[obj.pk for obj in objs])
        return done

    def update(self, **kwargs):
        unit = kwargs.get("unit", kwargs.get("unit_id"))
        if unit is not None and "unit_path" not in kwargs:
            unit_id = unit.pk if isinstance(unit, Unit) else unit
            kwargs["unit_path"] = unit.path if isinstance(unit, Unit) else Unit.objects.get(pk=unit_id).path
        moved = "unit_path" in kwargs and PERSON_PATH_FOLLOWERS
        renamed = "full_name" in kwargs and NAME_FOLLOWERS
        if not (moved or renamed):
            return super().update(**kwargs)
        # The ids first: the filter may read the unit or the name the UPDATE changes.
        ids = list(self.values_list("pk", flat=True))
        done = super().update(**kwargs)
        if moved:
            _follow_people(ids)
        if renamed:
            _follow_names(people=ids)
        return done


def _fill_unit_paths(people, *, force: bool = False) -> None:
    """Set `unit_path` from the unit, from the cached unit object or with one query for all the others."""
    wanted = set()
    for person in people:
        if person.unit_id is None or (person.unit_path and not force):
            continue
        if Person.unit.is_cached(person) and person.unit.pk == person.unit_id:
            person.unit_path = person.unit.path
        else:
            wanted.add(person.unit_id)
    if wanted:
        paths = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "path"))
        for person in people:
            if person.unit_id in paths and (force or not person.unit_path):
                person.unit_path = paths[person.unit_id]


class Person(Versioned, TimeStampedModel):
    full_name = models.CharField("họ và tên", max_length=100)  # validation.NAME_MAX_LENGTH
    name_key = models.CharField(max_length=100, editable=False, db_index=True)
    # Folded name (core.text.search_key): search and the duplicate check ignore diacritics and case.
    search_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    gender = models.CharField("giới tính", max_length=8, choices=Gender.choices)
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    position = models.CharField("chức vụ", max_length=100, blank=True)
    is_manager = models.BooleanField("cán bộ quản lý", default=False)
    service_start = models.DateField("ngày vào ngành", null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị công tác", on_delete=models.PROTECT, related_name="people")
    # The unit's materialised path, kept on the row (every save, bulk write and unit move sets it): the
    # subtree filters of the permission kernel and of the lists read this one indexed column, with no join
    # to units_unit whose row estimate can go wrong (stale statistics chose nested loops running minutes).
    unit_path = PathField(max_length=255, editable=False, default="")
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    is_active = models.BooleanField("đang công tác", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "cá nhân"
        verbose_name_plural = "cá nhân"
        ordering = ["unit_path", "full_name"]
        indexes = [
            models.Index(fields=["unit", "is_active"], name="person_unit_active"),
            # LIKE 'prefix%' and the `within` range under any collation (see Unit.path); with is_active, the
            # unit list's per-unit count of active people is an index-only scan.
            models.Index(
                fields=["unit_path", "is_active"],
                name="person_unit_path_like",
                opclasses=["varchar_pattern_ops", "bool_ops"],
            ),
            # The staff list's default order, and the award lookup's (full name, then id) in a subtree.
            models.Index(fields=["unit_path", "full_name", "id"], name="person_path_name"),
            models.Index(fields=["full_name", "id"], name="person_name_id"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("units:person_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The name as read, on `_state` (not a field): a save calls NAME_FOLLOWERS only if it changed.
        instance._state.loaded_name = instance.__dict__.get("full_name")
        return instance

    def save(self, *args, **kwargs):
        # The matching key is derived from the name on every save path (services, imports, the admin),
        # so duplicate checks and imports never see a stale key.
        self.full_name = nfc(self.full_name)
        self.name_key = fold(self.full_name)
        self.search_key = person_search_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        loaded_path = self.unit_path
        if update_fields is None or {"unit", "unit_id"} & set(update_fields):
            _fill_unit_paths([self], force=True)
        if update_fields is not None:
            derived = {"full_name": ("name_key", "search_key"), "unit": ("unit_path",), "unit_id": ("unit_path",)}
            missing = [key for field in update_fields for key in derived.get(field, ()) if key not in update_fields]
            kwargs["update_fields"] = [*dict.fromkeys([*update_fields, *missing])]
        moved = not self._state.adding and self.unit_path != loaded_path
        renamed = (
            not self._state.adding
            and (update_fields is None or "full_name" in update_fields)
            and getattr(self._state, "loaded_name", None) != self.full_name
        )
        super().save(*args, **kwargs)
        self._state.loaded_name = self.full_name
        if moved:  # a transfer: the rows that follow the person move with it (no query otherwise)
            for model in PERSON_PATH_FOLLOWERS:
                model._base_manager.filter(person_id=self.pk).update(unit_path=self.unit_path)
        if renamed:  # the copies of the name follow (NAME_FOLLOWERS; no query when the name is unchanged)
            _follow_names(people=[self.pk])

    def service_years(self, on) -> int:
        """Whole years of service (thâm niên) on a day."""
        if not self.service_start:
            return 0
        years = on.year - self.service_start.year
        if (on.month, on.day) < (self.service_start.month, self.service_start.day):
            years -= 1
        return max(years, 0)


class PersonTransfer(TimeStampedModel):
    """A move between units; the person row keeps its id and so its history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="từ đơn vị")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đến đơn vị")
    effective_date = models.DateField("ngày điều chuyển")
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "điều chuyển"
        verbose_name_plural = "điều chuyển"
        ordering = ["-effective_date", "-id"]


class UnitRole(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_roles", verbose_name="tài khoản"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="roles", verbose_name="đơn vị")
    role = models.CharField("vai trò", max_length=32, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vai trò theo đơn vị"
        verbose_name_plural = "vai trò theo đơn vị"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unitrole_unique")]
        ordering = ["unit__path", "role"]

    def __str__(self):
        return f"{self.get_role_display()} – {self.unit}"
