"""Standups: file one entry per local day, read them under the visibility rules, edit and delete own entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from devcell.accounts import service as accounts
from devcell.core.db import unit_of_work, utcnow
from devcell.core.errors import ValidationFailed
from devcell.core.signals import announce
from devcell.projects import service as projects
from devcell.projects.schemas import UserRef
from devcell.standups import _access, _days, _export, _owned, _render
from devcell.standups.errors import StandupExists
from devcell.standups.models import Standup
from devcell.standups.schemas import (
    SECTIONS,
    RosterOut,
    RosterQuery,
    StandupCreate,
    StandupFiled,
    StandupOut,
    StandupPage,
    StandupPatch,
    StandupQuery,
    TodayOut,
)

if TYPE_CHECKING:
    from peewee import ModelSelect

    from devcell.core.auth import Principal

# At import, like every slice that stores per-user rows: deleting a user who filed standups is then refused
# (or the entries reassigned) instead of failing on the foreign key.
_owned.register()


@dataclass(frozen=True)
class FiledEntry:
    """A filed entry as an activity feed shows it."""

    id: int
    day: date
    author: UserRef
    filed_at: datetime


def user_zone(user_id: int, appliance_zone: str) -> ZoneInfo:
    return _days.zone_for(accounts.get_user(user_id).time_zone, appliance_zone)


def user_today(user_id: int, appliance_zone: str) -> date:
    """The user's local today: their own time zone, else the appliance's."""
    return _days.local_today(user_zone(user_id, appliance_zone))


def local_today(zone: ZoneInfo) -> date:
    """Today in this zone, by the standups clock (the dashboard's "today" is the standup day)."""
    return _days.local_today(zone)


def day_start_utc(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day begins, for comparing with stored UTC timestamps."""
    return _days.day_start_utc(day, zone)


def _own_entry(user_id: int, day: date) -> Standup | None:
    return Standup.get_or_none((Standup.author == user_id) & (Standup.day == day))


@unit_of_work()
def today_overview(principal: Principal, appliance_zone: str) -> TodayOut:
    """My today, my next working day and my entry for today (the standup form and the dashboard start here)."""
    day = user_today(principal.user_id, appliance_zone)
    mine = _own_entry(principal.user_id, day)
    return TodayOut(
        day=day,
        next_working_day=_days.next_working_day(day),
        mine=_render.render_one(principal, mine.id) if mine else None,
    )


def _check_day(wanted: date | None, today_: date) -> date:
    """People file the evening before: my today and my next working day are allowed, nothing else."""
    allowed = (today_, _days.next_working_day(today_))
    day = wanted or today_
    if day not in allowed:
        raise ValidationFailed.for_field(
            "day", f"must be your today ({allowed[0].isoformat()}) or next working day ({allowed[1].isoformat()})"
        )
    return day


@unit_of_work(write=True)
def create_standup(principal: Principal, data: StandupCreate, appliance_zone: str) -> StandupOut:
    """File an entry for my today or next working day; a second one for the same day is 409 standup_exists."""
    day = _check_day(data.day, user_today(principal.user_id, appliance_zone))
    if data.project_id is not None:
        projects.require_project(principal, data.project_id, "viewer")
    existing = _own_entry(principal.user_id, day)
    if existing is not None:
        raise StandupExists(existing.id, day)
    now = utcnow()
    fields = data.model_dump(include={"yesterday", "today", "blockers", "project_id"})
    # No race between the check and the insert: the write transaction holds the write lock from its start.
    standup = Standup.create(author=principal.user_id, day=day, created_at=now, updated_at=now, **fields)
    announce(_filed(standup, {}))
    return _render.render_one(principal, standup.id)


def _sections(standup: Standup) -> dict[str, str]:
    return {section: str(getattr(standup, section) or "") for section in SECTIONS}


def _filed(standup: Standup, before: dict[str, str]) -> StandupFiled:
    return StandupFiled(standup.id, standup.author_id, standup.project_id, standup.day, _sections(standup), before)


@unit_of_work()
def get_standup(principal: Principal, visibility: str, standup_id: int) -> StandupOut:
    _access.get_readable(principal, visibility, standup_id)
    return _render.render_one(principal, standup_id)


def _apply_patch(principal: Principal, standup: Standup, patch: StandupPatch) -> None:
    for section in SECTIONS:
        if section in patch.model_fields_set:
            setattr(standup, section, getattr(patch, section) or "")
    if "project_id" in patch.model_fields_set:
        if patch.project_id is not None and patch.project_id != standup.project_id:
            projects.require_project(principal, patch.project_id, "viewer")
        standup.project_id = patch.project_id
    if not any(getattr(standup, section) for section in SECTIONS):
        raise ValidationFailed.for_field("body", "write at least one of yesterday, today or blockers")


@unit_of_work(write=True)
def update_standup(principal: Principal, visibility: str, standup_id: int, patch: StandupPatch) -> StandupOut:
    """Edit own entry (admins: any). Sections and project only; the day stays."""
    standup = _access.get_editable(principal, visibility, standup_id)
    before = _sections(standup)
    _apply_patch(principal, standup, patch)
    standup.updated_at = utcnow()
    standup.save()
    announce(_filed(standup, before))
    return _render.render_one(principal, standup_id)


@unit_of_work(write=True)
def delete_standup(principal: Principal, visibility: str, standup_id: int) -> None:
    """Delete own entry (admins: any). Tasks converted from it stay; they only lose the link."""
    _access.get_editable(principal, visibility, standup_id).delete_instance()


def _filtered(principal: Principal, visibility: str, query: StandupQuery) -> ModelSelect[Standup]:
    select = _render.with_refs()
    visible = _access.readable(principal, visibility)
    if visible is not None:
        select = select.where(visible)
    if query.project is not None:
        # 404 for a project the caller cannot see, like every other route inside a project.
        projects.require_project(principal, query.project, "viewer")
        select = select.where(Standup.project == query.project)
    if query.day is not None:
        select = select.where(Standup.day == query.day)
    if query.from_ is not None:
        select = select.where(Standup.day >= query.from_)
    if query.to is not None:
        select = select.where(Standup.day <= query.to)
    if query.author is not None:
        select = select.where(Standup.author == query.author)
    return select


@unit_of_work()
def list_standups(principal: Principal, visibility: str, query: StandupQuery) -> StandupPage:
    """Entries the caller may read, newest day first; history by day range, person and project."""
    select = _filtered(principal, visibility, query)
    total = select.count()
    rows = list(select.order_by(Standup.day.desc(), Standup.id.desc()).limit(query.limit).offset(query.offset))
    return StandupPage(items=_render.render(principal, rows), total=total, limit=query.limit, offset=query.offset)


@unit_of_work()
def export_day(principal: Principal, visibility: str, day: date, project_id: int | None) -> str:
    """Every entry of one day the caller may read, as Markdown, by author name."""
    project = projects.require_project(principal, project_id, "viewer") if project_id is not None else None
    select = _filtered(principal, visibility, StandupQuery.model_validate({"day": day, "project": project_id}))
    entries = sorted(_render.render(principal, list(select)), key=_by_shown_name)
    return _export.render_markdown(day, entries, project.name if project else None)


def _by_shown_name(entry: StandupOut) -> tuple[str, str]:
    """The name the export shows (display name, else user name), case-folded ASCII only as SQLite's lower() did
    when the export sorted in SQL; then the (unique) user name."""
    author = entry.author
    shown = author.display_name or author.username
    return shown.encode().lower().decode(), author.username


# Seams for the dashboard


@unit_of_work()
def roster(principal: Principal, visibility: str, query: RosterQuery, appliance_zone: str) -> RosterOut:
    """Who filed for the day, who has not and who is away: everyone active, or a project's members. Where
    standups are private a user sees only their own line (others' filing is theirs to keep)."""
    day = query.day or user_today(principal.user_id, appliance_zone)
    people = accounts.active_members()
    if query.project is not None:
        projects.require_project(principal, query.project, "viewer")
        members = projects.project_member_ids(query.project)
        people = [p for p in people if p.id in members]
    if visibility == "private" and not principal.is_admin:
        people = [p for p in people if p.id == principal.user_id]
    filed = {int(a) for (a,) in projects.rows_of(Standup.select(Standup.author).where(Standup.day == day))}
    refs = {p.id: UserRef(id=p.id, username=p.username, display_name=p.display_name) for p in people}
    return RosterOut(
        day=day,
        filed=[refs[p.id] for p in people if p.id in filed],
        missing=[refs[p.id] for p in people if p.id not in filed and not p.away_on(day)],
        away=[refs[p.id] for p in people if p.id not in filed and p.away_on(day)],
    )


@unit_of_work()
def can_read_entry(principal: Principal, visibility: str, standup_id: int) -> bool:
    """Whether the entry exists and the principal may read it under the visibility setting."""
    standup = Standup.get_or_none(Standup.id == standup_id)
    return standup is not None and _access.can_read(principal, visibility, standup)


@unit_of_work()
def own_entry_id(user_id: int, day: date) -> int | None:
    """The id of the user's entry for `day`, if filed."""
    entry = _own_entry(user_id, day)
    return int(entry.id) if entry else None


@unit_of_work()
def recently_filed(principal: Principal, visibility: str, limit: int) -> list[FiledEntry]:
    """The newest entries the caller may read, by filing time (for an activity feed): two queries."""
    select = Standup.select()
    visible = _access.readable(principal, visibility)
    if visible is not None:
        select = select.where(visible)
    # By day first: entries are filed for today or the next working day, so day order is nearly filing order,
    # and the day index lets SQLite stop after `limit` rows instead of sorting every entry ever filed.
    rows = list(select.order_by(Standup.day.desc(), Standup.created_at.desc()).limit(limit))
    authors = _render.authors(rows)
    return [FiledEntry(row.id, row.day, authors[row.author_id], row.created_at) for row in rows]
