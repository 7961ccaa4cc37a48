"""What the API sends and accepts. Personal fields are the ones the pages show the same
role; a citizen ID is always masked here (the full one has its own audited endpoint)."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from digiward.guidance.models import AgeBand, AloneNextTime, Channel, Outcome, VisitorSex
from digiward.registry.journey import MilestoneKind


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    code: str
    instance: str
    detail: str | None = None
    errors: list[dict[str, str]] | None = None


class Me(Schema):
    username: str
    full_name: str
    commune_code: str
    commune_name: str
    roles: list[str]
    scope: str
    expires_at: datetime


class HouseholdOut(Schema):
    id: int
    code: str
    area_id: int | None
    area_name: str | None = Field(None, alias="area.name")
    house_number: str
    street: str
    poverty_status: str
    poverty_year: int | None
    head_id: int | None
    members: int


class Row(BaseModel):
    """An answer made of a row's own columns, read by pydantic itself from the model's
    attributes (or a dict of values): ninja's Schema wraps every object in a getter
    first, a third of the time of a page of 50 (bench/bench_api.py)."""

    model_config = ConfigDict(from_attributes=True)


class ResidentOut(Row):
    id: int
    household_id: int | None
    full_name: str
    birth_year: int | None
    sex: str
    citizen_id_masked: str
    phone: str
    status: str
    journey_rung: int
    journey_last_on: date | None


class CitizenIdOut(Schema):
    resident_id: int
    citizen_id: str


class MilestoneOut(Row):
    id: int
    resident_id: int
    kind: str
    achieved_on: date
    source: str
    detail: str
    recorded_at: datetime


class MilestoneIn(Schema):
    kind: MilestoneKind = Field(..., examples=["vneid_level2"])
    achieved_on: date = Field(..., examples=["2026-11-20"])
    detail: str = Field("", max_length=200, examples=["Kích hoạt tại bàn hỗ trợ"])


class MilestoneRecorded(Schema):
    created: bool
    milestone: MilestoneOut


class HelpSessionOut(Row):
    id: int
    helped_on: date
    channel: str
    outcome: str
    minutes: int
    resident_id: int | None
    procedure_id: int | None
    topic: str
    milestones: list[str]
    skills: list[int]
    created_at: datetime


class HelpSessionIn(Schema):
    outcome: Outcome = Field(..., examples=["done"])
    minutes: int = Field(..., ge=0, le=600, examples=[15])
    helped_on: date = Field(..., examples=["2026-11-20"])
    channel: Channel = Channel.DESK
    resident_id: int | None = Field(None, ge=1)
    visitor_name: str = Field("", max_length=150)
    age_band: AgeBand | None = None
    sex: VisitorSex | None = None
    procedure_id: int | None = Field(None, ge=1)
    topic: str = Field("", max_length=200, examples=["Cài đặt VNeID mức 2"])
    dossier_code: str = Field("", max_length=40)
    milestones: list[MilestoneKind] = Field(default_factory=list, max_length=8)
    skills: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        default_factory=list,
        max_length=30,
        description=(
            "Competences of the commune's citizen essentials the person did alone "
            "(ids from the learning framework): each becomes desk evidence"
        ),
    )
    alone_next_time: AloneNextTime | None = None
    notes: str = Field("", max_length=2000)


class HelpSessionLogged(Schema):
    session: HelpSessionOut
    milestones_reached: int


class GuideStep(Schema):
    text: str


class GuideOut(Schema):
    slug: str
    title: str
    audience: str
    steps: list[GuideStep]
    what_to_bring: list[str]
    common_mistakes: list[str]


class GuideLink(Schema):
    slug: str
    title: str


class ProcedureOut(Schema):
    slug: str
    code: str
    name: str
    field: str
    online_level: str
    summary: str
    fee_text: str
    time_limit_text: str
    home_support_possible: bool


class ProcedureDetail(ProcedureOut):
    documents: list[str]
    guides: list[GuideLink]


class HomeSupportRequestOut(Schema):
    id: int
    tracking_code: str
    status: str
    source: str
    person_name: str
    area_id: int | None
    procedure_id: int | None
    urgency: str
    received_on: date
    due_on: date | None


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    starts_on: date
    ends_on: date | None
    households_listed: int
    phones_available: int
    allocated: int
    handed_over: int


class Kpis(Schema):
    as_of: datetime
    adults: int
    on_journey: int
    vneid_level2: int
    online_service: int
    independent: int
    skills_confirmed: int = Field(
        description="Adults holding a valid certificate of basic digital skills"
    )
    help_sessions_30_days: int
    home_support_open: int
    home_support_overdue: int
