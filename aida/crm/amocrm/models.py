"""amoCRM API v4 payloads and answers (research/amocrm.md §1–§9), as pydantic models.

Request models are dumped with `exclude_none`, so an unset value is left out rather than sent
empty. Answer models ignore keys we do not use.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# -- requests -----------------------------------------------------------------------------


class FieldValue(BaseModel):
    value: str | int | bool
    enum_id: int | None = None  # a select option's id (the exact option, whatever its text)
    enum_code: str | None = None


class CustomFieldValues(BaseModel):
    field_id: int | None = None
    field_code: str | None = None
    values: list[FieldValue]


class TagRef(BaseModel):
    name: str


class ContactRef(BaseModel):
    id: int
    is_main: bool = True


class LeadEmbedded(BaseModel):
    tags: list[TagRef] = Field(default_factory=list)
    contacts: list[ContactRef] = Field(default_factory=list)


class ContactIn(BaseModel):
    name: str
    responsible_user_id: int | None = None
    custom_fields_values: list[CustomFieldValues] = Field(default_factory=list)


class LeadIn(BaseModel):
    name: str
    price: int | None = None
    pipeline_id: int | None = None
    status_id: int | None = None
    responsible_user_id: int | None = None
    custom_fields_values: list[CustomFieldValues] = Field(default_factory=list)
    embedded: LeadEmbedded = Field(default_factory=LeadEmbedded, serialization_alias="_embedded")


class LeadPatch(BaseModel):
    custom_fields_values: list[CustomFieldValues]


class ContactPatch(BaseModel):
    custom_fields_values: list[CustomFieldValues]


class NoteParams(BaseModel):
    text: str


class NoteIn(BaseModel):
    note_type: str = "common"
    params: NoteParams


class TaskIn(BaseModel):
    """`POST /api/v4/tasks`: a task on a lead (type 1 is «Связаться»)."""

    text: str
    complete_till: int
    entity_id: int
    entity_type: str = "leads"
    task_type_id: int = 1
    responsible_user_id: int | None = None


class UnsortedMetadata(BaseModel):
    """The form's details a manager sees on an incoming request («Неразобранное»)."""

    form_id: str
    form_name: str
    form_page: str
    form_sent_at: int
    referer: str | None = None


class UnsortedEmbedded(BaseModel):
    leads: list[LeadIn]
    contacts: list[ContactIn | ContactRef] = Field(default_factory=list)


class UnsortedFormIn(BaseModel):
    """`POST /api/v4/leads/unsorted/forms`: one incoming request with its lead and contact."""

    source_name: str
    source_uid: str
    created_at: int
    pipeline_id: int | None = None
    metadata: UnsortedMetadata
    embedded: UnsortedEmbedded = Field(serialization_alias="_embedded")


class WebhookIn(BaseModel):
    destination: str
    settings: list[str]


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True, by_alias=True)


# -- answers ------------------------------------------------------------------------------


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CreatedItem(_Loose):
    id: int
    request_id: str | None = None


class _CreatedEmbedded(_Loose):
    contacts: list[CreatedItem] = Field(default_factory=list)
    leads: list[CreatedItem] = Field(default_factory=list)
    notes: list[CreatedItem] = Field(default_factory=list)
    tasks: list[CreatedItem] = Field(default_factory=list)


class Created(_Loose):
    """`POST /contacts`, `/leads`, `/leads/{id}/notes` answer: `_embedded.{entity}[].id`."""

    embedded: _CreatedEmbedded = Field(alias="_embedded")


class FoundValue(_Loose):
    value: Any = None
    enum_code: str | None = None


class FoundField(_Loose):
    field_id: int | None = None
    field_code: str | None = None
    values: list[FoundValue] | None = None


class LossReason(_Loose):
    id: int
    name: str


class _EntityLinks(_Loose):
    leads: list[CreatedItem] = Field(default_factory=list)
    loss_reason: list[LossReason] = Field(default_factory=list)


class FoundEntity(_Loose):
    id: int
    name: str | None = None
    status_id: int | None = None
    pipeline_id: int | None = None
    responsible_user_id: int | None = None
    custom_fields_values: list[FoundField] | None = None
    embedded: _EntityLinks | None = Field(None, alias="_embedded")


class FoundNoteParams(_Loose):
    text: str | None = None


class FoundNote(_Loose):
    id: int
    params: FoundNoteParams | None = None


class FoundTask(_Loose):
    id: int
    text: str | None = None


class _FoundEmbedded(_Loose):
    contacts: list[FoundEntity] = Field(default_factory=list)
    leads: list[FoundEntity] = Field(default_factory=list)
    notes: list[FoundNote] = Field(default_factory=list)
    tasks: list[FoundTask] = Field(default_factory=list)


class Found(_Loose):
    """A list/search answer (`204` means nothing found and never reaches this model)."""

    embedded: _FoundEmbedded = Field(alias="_embedded")


class FieldEnum(_Loose):
    id: int
    value: str


class FieldInfo(_Loose):
    """One account custom field (`GET /api/v4/leads/custom_fields`)."""

    id: int
    name: str
    type: str
    code: str | None = None
    enums: list[FieldEnum] | None = None


class _FieldsEmbedded(_Loose):
    custom_fields: list[FieldInfo] = Field(default_factory=list)


class _Href(_Loose):
    href: str


class _Links(_Loose):
    next: _Href | None = None


class FieldPage(_Loose):
    embedded: _FieldsEmbedded = Field(alias="_embedded")
    links: _Links = Field(default_factory=_Links, alias="_links")


class TokenAnswer(_Loose):
    """`POST /oauth2/access_token` answer; `server_time` is not required (research §1.1)."""

    access_token: str
    refresh_token: str
    expires_in: int | None = None
    token_type: str | None = None


class ValidationIssue(_Loose):
    code: str | None = None
    path: str | None = None
    detail: str | None = None


class ValidationItem(_Loose):
    request_id: str | None = None
    errors: list[ValidationIssue] = Field(default_factory=list)


class Problem(_Loose):
    """An `application/problem+json` error body."""

    title: str | None = None
    status: int | None = None
    detail: str | None = None
    hint: str | None = None
    retry_after: float | None = None
    validation_errors: list[ValidationItem] = Field(default_factory=list, alias="validation-errors")


class _UnsortedLinks(_Loose):
    leads: list[CreatedItem] = Field(default_factory=list)
    contacts: list[CreatedItem] = Field(default_factory=list)


class _UnsortedItem(_Loose):
    uid: str
    embedded: _UnsortedLinks = Field(alias="_embedded")


class _UnsortedEmbedded(_Loose):
    unsorted: list[_UnsortedItem] = Field(default_factory=list)


class UnsortedCreated(_Loose):
    embedded: _UnsortedEmbedded = Field(alias="_embedded")


class DateTimeSettings(_Loose):
    timezone: str | None = None


class _AccountEmbedded(_Loose):
    datetime_settings: DateTimeSettings | None = None


class Account(_Loose):
    """`GET /api/v4/account?with=datetime_settings`."""

    id: int
    subdomain: str | None = None
    embedded: _AccountEmbedded = Field(default_factory=_AccountEmbedded, alias="_embedded")


class PipelineStatus(_Loose):
    id: int
    name: str


class _Statuses(_Loose):
    statuses: list[PipelineStatus] = Field(default_factory=list)


class Pipeline(_Loose):
    id: int
    name: str
    is_main: bool = False
    embedded: _Statuses = Field(default_factory=_Statuses, alias="_embedded")


class _Pipelines(_Loose):
    pipelines: list[Pipeline] = Field(default_factory=list)


class PipelineList(_Loose):
    embedded: _Pipelines = Field(alias="_embedded")


class User(_Loose):
    id: int
    name: str | None = None


class _Users(_Loose):
    users: list[User] = Field(default_factory=list)


class UserList(_Loose):
    embedded: _Users = Field(alias="_embedded")
    links: _Links = Field(default_factory=_Links, alias="_links")


class Webhook(_Loose):
    id: int | None = None
    destination: str
    settings: list[str] = Field(default_factory=list)
    disabled: bool = False


class _Webhooks(_Loose):
    webhooks: list[Webhook] = Field(default_factory=list)


class WebhookList(_Loose):
    embedded: _Webhooks = Field(alias="_embedded")
