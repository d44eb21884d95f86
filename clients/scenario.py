"""The coalition's first script, written against a client generated from the live OpenAPI
document by openapi-python-client: file a request, record its refusal and the request for an
internal review, read the deadlines, upload the released table, preview its figures, and read
the refusal history and the public scorecard. Every step asserts what its caller would see.

Usage: python scenario.py BASE_URL TOKEN   (the generated package `client` on sys.path)
"""

import datetime
import io
import sys

from client import AuthenticatedClient, Client
from client.api.authorities import list_authorities
from client.api.demands import preview_figure_import, scorecard
from client.api.documents import upload_document
from client.api.events import add_event
from client.api.history import refusal_history
from client.api.requests import create_request, read_request
from client.models import (
    DefinitionMatch,
    EventInput,
    EventKind,
    EventOutcome,
    FileUpload,
    GroundId,
    ImportInput,
    RequestInput,
)
from client.types import File

base, token = sys.argv[1], sys.argv[2]
api = AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)
day = datetime.date.fromisoformat


def ok(response, status):
    assert response.status_code == status, (response.status_code, response.content)
    return response.parsed


home_office = next(a for a in ok(list_authorities.sync_detailed(client=api), 200) if a.name == "Home Office")

request = ok(
    create_request.sync_detailed(
        client=api,
        body=RequestInput(
            title="Potential victims in detention, 2025",
            body="Please provide the number of potential victims of modern slavery detained in 2025.",
            authority_id=home_office.id,
            sent_on=day("2026-05-01"),
        ),
        idempotency_key="scenario-request-1",
    ),
    201,
)
print("request", request.id, request.status)

refusal = ok(
    add_event.sync_detailed(
        request.id,
        client=api,
        body=EventInput(
            kind=EventKind.RESPONSE,
            occurred_on=day("2026-05-20"),
            outcome=EventOutcome.REFUSED,
            grounds=[GroundId.FOIA_S40_2],
        ),
    ),
    201,
)
assert refusal.event.kind == EventKind.RESPONSE
ok(
    add_event.sync_detailed(
        request.id,
        client=api,
        body=EventInput(kind=EventKind.INTERNAL_REVIEW_REQUESTED, occurred_on=day("2026-05-21")),
    ),
    201,
)

read = ok(read_request.sync_detailed(request.id, client=api), 200)
kinds = [d.kind.value for d in read.schedule.deadlines]
assert "internal_review_response" in kinds, kinds
print("deadlines", kinds)

table = b"Nationality,Detained\nAlbania,412\nVietnam,203\nEritrea,97\n"
document = ok(
    upload_document.sync_detailed(
        request.id,
        client=api,
        body=FileUpload(file=File(payload=io.BytesIO(table), file_name="detained-2025.csv", mime_type="text/csv")),
    ),
    201,
)
preview = ok(
    preview_figure_import.sync_detailed(
        document.id,
        client=api,
        body=ImportInput(
            first_row=2,
            value_column="B",
            breakdown_columns="A = nationality",
            indicator_id="D1.1",
            period_start=day("2025-01-01"),
            period_end=day("2025-12-31"),
            definition="Potential victims detained",
            definition_match=DefinitionMatch.MATCHES,
        ),
    ),
    200,
)
assert (preview.figures, preview.errors) == (3, 0), (preview.figures, preview.errors)
print("preview", preview.figures, "figures")

history = ok(refusal_history.sync_detailed(client=api), 200)
cited = history.exemptions.additional_properties
assert cited["foia-s40-2"].citation == "FOIA s.40(2)", cited
print("history cites", sorted(cited))

card = ok(scorecard.sync_detailed(client=Client(base_url=base)), 200)
assert card.demands, "the public scorecard lists the demands"
print("scorecard", len(card.demands), "demands")
print("python scenario: ok")
