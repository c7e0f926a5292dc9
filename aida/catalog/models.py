"""Catalog data models (validated at load time, so a broken operator file fails fast)."""

from __future__ import annotations

import datetime as dt
import hashlib

from pydantic import BaseModel, Field, field_validator, model_validator

from aida.catalog.coverage import CoverageList
from aida.catalog.operator_hours import OperatorHours
from aida.domain import Address, RouterOption, Segment, Slots


class Tariff(BaseModel):
    name: str
    segment: Segment
    speed_mbps: int = Field(gt=0)
    price: int = Field(gt=0)
    router_included: bool


class RouterOffer(BaseModel):
    rent_price: int = Field(gt=0)
    buy_brands: list[str] = Field(default_factory=list)
    buy_price: int | None = None  # None: price on request


class CctvPackage(BaseModel):
    cameras: int = Field(gt=0)
    price: int = Field(gt=0)
    storage_months: int = 1


class StaticIp(BaseModel):
    price: int = Field(gt=0)


class Hours(BaseModel):
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(21, 0)
    min_notice_minutes: int = Field(default=60, ge=0)
    max_days_ahead: int = Field(default=60, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Hours:
        if self.start >= self.end:
            raise ValueError("hours.start must be before hours.end")
        return self

    def contains(self, t: dt.time) -> bool:
        return self.start <= t < self.end

    def label(self) -> str:
        return f"с {self.start:%H:%M} до {self.end:%H:%M}"


class Support(BaseModel):
    phone: str | None = None
    email: str | None = None
    telegram: str | None = None


class Privacy(BaseModel):
    """The personal-data texts (152-FZ): the notice under the chat's input and the consent
    text, a document of its own. The shipped ones are a template for the operator's lawyer."""

    notice: str = Field(min_length=1)
    consent_text: str = Field(min_length=1)
    # Where the operator publishes the consent text; None: the service's /privacy/consent.
    consent_url: str | None = None

    @property
    def version(self) -> str:
        """Derived from the consent text, so an edited text can never keep an old version."""
        normalised = "\n".join(" ".join(line.split()) for line in self.consent_text.strip().splitlines())
        return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]


class Faq(BaseModel):
    topic: str
    keywords: list[str]
    answer: str

    @field_validator("keywords")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [k.lower() for k in v if k.strip()]


class Need(BaseModel):
    """A customer's need a consultant recommends a tariff for ("для онлайн-игр"): the slowest
    tariff of the segment that is at least `min_speed_mbps` fast is advised, with `why`."""

    topic: str
    keywords: list[str]
    label: str  # "для онлайн-игр", as in «Для онлайн-игр советую …»
    min_speed_mbps: int = Field(gt=0)
    why: str

    @field_validator("keywords")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [k.lower() for k in v if k.strip()]


class Installation(BaseModel):
    """What a visit costs and how soon it can be: `fee` None means the manager names it."""

    fee: int | None = Field(default=None, ge=0)


class Catalog(BaseModel):
    provider: str
    default_city: str = "Волгоград"
    tariffs: list[Tariff]
    router: RouterOffer
    cctv: list[CctvPackage]
    static_ip: StaticIp
    hours: Hours = Field(default_factory=Hours)
    support: Support = Field(default_factory=Support)
    # When managers answer in the chat (the live handoff); None: whenever it is connected.
    operator_hours: OperatorHours | None = None
    faq: list[Faq] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    installation: Installation = Field(default_factory=Installation)
    privacy: Privacy
    coverage: CoverageList

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        names = [t.name.casefold() for t in self.tariffs]
        if len(set(names)) != len(names):
            raise ValueError("tariff names must be unique")
        if not self.tariffs:
            raise ValueError("the catalog needs at least one tariff")
        return self

    # -- lookups -------------------------------------------------------------------------
    def tariff(self, name: str | None) -> Tariff | None:
        if name is None:
            return None
        for t in self.tariffs:  # (the canonical name, as the steps pass it: no casefolding)
            if t.name == name:
                return t
        key = name.casefold()
        return next((t for t in self.tariffs if t.name.casefold() == key), None)

    def tariffs_for(self, segment: Segment | None) -> list[Tariff]:
        return [t for t in self.tariffs if segment is None or t.segment == segment]

    def segments(self) -> list[Segment]:
        seen: list[Segment] = []
        for t in self.tariffs:
            if t.segment not in seen:
                seen.append(t.segment)
        return seen

    def cheapest(self, segment: Segment | None) -> Tariff:
        return min(self.tariffs_for(segment) or self.tariffs, key=lambda t: (t.price, -t.speed_mbps))

    def fastest(self, segment: Segment | None) -> Tariff:
        return max(self.tariffs_for(segment) or self.tariffs, key=lambda t: (t.speed_mbps, -t.price))

    def advised(self, need: Need, segment: Segment | None) -> Tariff:
        """The cheapest tariff of the segment fast enough for the need (else the fastest)."""
        fit = [t for t in self.tariffs_for(segment) if t.speed_mbps >= need.min_speed_mbps]
        return min(fit, key=lambda t: t.price) if fit else self.fastest(segment)

    def cctv_package(self, cameras: int) -> CctvPackage | None:
        return next((p for p in self.cctv if p.cameras == cameras), None)

    def camera_choices(self) -> list[int]:
        return [0, *sorted(p.cameras for p in self.cctv)]

    def router_choices(self, tariff: Tariff | None) -> list[RouterOption]:
        if tariff is not None and tariff.router_included:
            return ["included"]
        return ["rent", "buy", "own"]

    def is_covered(self, address: Address) -> bool:
        return self.coverage.covers(address)

    # -- money ---------------------------------------------------------------------------
    def monthly_total(self, slots: Slots) -> int:
        tariff = self.tariff(slots.tariff)
        total = tariff.price if tariff else 0
        if slots.router == "rent":
            total += self.router.rent_price
        if slots.static_ip:
            total += self.static_ip.price
        return total

    def one_off_total(self, slots: Slots) -> int:
        total = 0
        if slots.cctv_cameras:
            package = self.cctv_package(slots.cctv_cameras)
            total += package.price if package else 0
        if slots.router == "buy" and self.router.buy_price:
            total += self.router.buy_price
        return total
