"""Records the examples of the OpenAPI document from the server itself: starts the app on a
fresh demonstration database, makes each operation's call as a coalition script would, and
writes what was sent and what came back to src/web/api/examples.json, which the document
serves as each operation's example. Lists are cut to their first two items. The test
`openapi::every_example_is_valid_against_its_schema` holds the file to the document, so an
example cannot drift from what the server answers without a test failing.

Usage: python3 clients/record_examples.py [BINARY]   (default target/debug/foi-tracker)
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target/debug/foi-tracker")
work = tempfile.mkdtemp()
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
base = f"http://127.0.0.1:{port}"
env = dict(
    os.environ,
    FOI_DATABASE_URL=f"sqlite://{work}/foi-tracker.db",
    FOI_BIND=f"127.0.0.1:{port}",
    FOI_MAIL_DIR=f"{work}/mail",
    FOI_SCHEDULER="false",
    FOI_TODAY="2026-06-01",
    RUST_LOG="warn",
)


def cli(*args, stdin=None):
    return subprocess.run([binary, *args], env=env, input=stdin, capture_output=True, text=True, check=True).stdout


def token_of(email, role):
    cli("user", "add", "--email", email, "--name", f"Example {role}", "--org", "Example NGO", "--role", role,
        "--password-stdin", stdin="an example password of some length\n")
    return cli("token", "create", "--email", email, "--name", "examples").split()[-1]


cli("migrate")
coordinator = token_of("coordinator@example.org", "coordinator")
admin = token_of("admin@example.org", "admin")
checker = token_of("checker@example.org", "coordinator")
server = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
examples = {}


def call(method, path, body=None, token=coordinator, raw=None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read()
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {path} answered {error.code}: {error.read().decode()}")
    return json.loads(text) if text else None


def shortened(value):
    if isinstance(value, list):
        return [shortened(v) for v in value[:2]]
    if isinstance(value, dict):
        return {k: shortened(v) for k, v in value.items()}
    return value


def example(operation, method, path, body=None, **options):
    answer = call(method, path, body, **options)
    examples[operation] = {k: v for k, v in (("request", body), ("response", shortened(answer))) if v is not None}
    return answer


def upload(path, name, content, content_type):
    boundary = uuid.uuid4().hex
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
           f"Content-Type: {content_type}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return raw, f"multipart/form-data; boundary={boundary}"


try:
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)

    authorities = example("list_authorities", "GET", "/api/v1/authorities")
    home_office = next(a for a in authorities if a["name"] == "Home Office")["id"]
    authority = {"name": "Gangmasters and Labour Abuse Authority", "short_name": "GLAA", "foi_email": "foi@gla.gov.uk",
                 "website": "https://www.gla.gov.uk", "default_regime": "foia", "nation": "uk"}
    glaa = example("create_authority", "POST", "/api/v1/authorities", authority, token=admin)["id"]
    example("read_authority", "GET", f"/api/v1/authorities/{glaa}")
    example("update_authority", "PUT", f"/api/v1/authorities/{glaa}", dict(authority, short_name="GLAA (UK)"), token=admin)
    example("list_exemptions", "GET", "/api/v1/exemptions?regime=foia")
    example("calculate_deadlines", "POST", "/api/v1/deadline", {
        "regime": "foia", "received": "2026-05-01",
        "events": [{"kind": "response", "date": "2026-05-20"},
                   {"kind": "internal_review_requested", "date": "2026-05-21"}]})

    asked = {"title": "Potential victims in immigration detention, 2025",
             "body": "Please provide the number of people referred to the National Referral Mechanism who were "
                     "held in immigration detention in 2025, by nationality.",
             "authority_id": home_office, "regime": "foia", "sent_via": "email", "sent_on": "2026-05-01",
             "received_on": None, "reference": None, "owner_id": None, "tags": ["detention"]}
    request = example("create_request", "POST", "/api/v1/requests", asked)["id"]
    example("read_request", "GET", f"/api/v1/requests/{request}")
    replaced = dict(asked, reference="FOI 52658", owner_id=call("GET", f"/api/v1/requests/{request}")["owner_id"])
    example("update_request", "PUT", f"/api/v1/requests/{request}", replaced)
    example("patch_request", "PATCH", f"/api/v1/requests/{request}", {"tags": ["detention", "nrm"]},
            content_type="application/merge-patch+json")
    example("list_requests", "GET", "/api/v1/requests?per_page=2")
    example("add_event", "POST", f"/api/v1/requests/{request}/events", {
        "kind": "response", "occurred_on": "2026-05-20", "outcome": "refused", "grounds": ["foia-s40-2"],
        "details": "Refused: the figures would identify individuals."})
    # A second event, so that removing the last one leaves the refusal.
    call("POST", f"/api/v1/requests/{request}/events", {"kind": "acknowledged", "occurred_on": "2026-05-21"})
    example("remove_last_event", "DELETE", f"/api/v1/requests/{request}/events/last")
    events = example("list_events", "GET", f"/api/v1/requests/{request}/events")
    example("read_event", "GET", f"/api/v1/requests/{request}/events/{events[-1]['id']}")
    letters = example("list_letters", "GET", f"/api/v1/requests/{request}/letters")
    review = next(letter for letter in letters if letter["draft"])
    draft = review["draft"]
    example("send_letter", "POST", f"/api/v1/requests/{request}/letters", {
        "kind": review["kind"], "sent_on": "2026-05-21", "to": draft["to"], "subject": draft["subject"],
        "body": draft["body"]})

    table = b"Nationality,Detained\nAlbania,412\nVietnam,203\nEritrea,97\n"
    raw, kind = upload(f"/api/v1/requests/{request}/documents", "detained-2025.csv", table, "text/csv")
    document = example("upload_document", "POST", f"/api/v1/requests/{request}/documents", raw=raw,
                       content_type=kind)["id"]
    reply = (b"From: foi@homeoffice.gov.uk\r\nTo: researcher@example.org\r\nDate: Thu, 28 May 2026 10:00:00 +0100\r\n"
             b"Subject: FOI 52658\r\n\r\nPlease find our response attached.\r\n")
    raw, kind = upload(f"/api/v1/requests/{request}/import-email", "reply.eml", reply, "message/rfc822")
    example("import_email", "POST", f"/api/v1/requests/{request}/import-email", raw=raw, content_type=kind)
    table_read = {"first_row": 2, "value_column": "B", "breakdown_columns": "A = nationality", "indicator_id": "D1.1",
                  "period_start": "2025-01-01", "period_end": "2025-12-31",
                  "definition": "Potential victims detained", "definition_match": "matches"}
    example("preview_figure_import", "POST", f"/api/v1/documents/{document}/import/preview", table_read)
    example("import_figures", "POST", f"/api/v1/documents/{document}/import", table_read)

    figure = {"indicator_id": "D1.1", "value": "914", "period_start": "2018-01-01", "period_end": "2018-12-31",
              "definition": "Potential victims of modern slavery detained", "definition_match": "comparable",
              "source_kind": "publication", "publication_title": "Hidden Futures", "publisher": "Example NGO"}
    added = example("add_figure", "POST", "/api/v1/figures", figure)["id"]
    example("read_figure", "GET", f"/api/v1/figures/{added}")
    example("list_figures", "GET", "/api/v1/figures")
    example("verify_figure", "POST", f"/api/v1/figures/{added}/verify", token=checker)
    catalogue = example("list_indicators", "GET", "/api/v1/indicators")
    example("read_indicator", "GET", "/api/v1/indicators/D1.1")
    example("save_indicator", "POST", "/api/v1/indicators", {
        "id": "D1.9", "demand_id": catalogue["demands"][0]["id"], "wording": "Potential victims detained after a "
        "positive reasonable grounds decision", "unit": "people", "granularity": "quarter",
        "definition": "People held under immigration powers on the last day of the quarter after a positive "
                      "reasonable grounds decision", "breakdowns": "nationality", "official_source": ""},
        token=admin)
    example("set_request_indicators", "PUT", f"/api/v1/requests/{request}/indicators",
            [{"indicator_id": "D1.1", "from": "2025-01-01", "to": "2025-12-31"}])
    examples["set_repeat"] = {"request": {"repeats": True}}
    call("POST", f"/api/v1/requests/{request}/repeat", {"repeats": True})
    example("refusal_history", "GET", "/api/v1/history")
    example("history_requests", "GET", "/api/v1/history/requests?measure=exemption:foia-s40-2")
    example("history_export", "GET", "/api/v1/history/export?dataset=requests")
    example("scorecard", "GET", "/api/v1/scorecard")
    groups = example("list_authority_groups", "GET", "/api/v1/authority-groups")
    forces = next(g for g in groups if g["name"] == "Police forces of the United Kingdom")
    example("create_authority_group", "POST", "/api/v1/authority-groups", {
        "name": "Home Office and the GLAA", "description": "Immigration and labour exploitation",
        "authority_ids": [home_office, glaa]}, token=admin)
    batch = example("create_batch", "POST", "/api/v1/batches", {
        "title": "Modern slavery referrals by force, 2025", "group_id": forces["id"], "sent_on": "2026-03-30",
        "body": "Please tell me how many referrals to the National Referral Mechanism your force made in 2025.",
        "tags": ["police"]})
    for member, outcome, grounds in zip(batch["members"], ["granted", "refused", "refused"],
                                        [[], ["foia-s12-1"], ["foia-s12-1"]]):
        call("POST", f"/api/v1/requests/{member['request_id']}/events",
             {"kind": "response", "occurred_on": "2026-04-24", "outcome": outcome, "grounds": grounds})
    example("read_batch", "GET", f"/api/v1/batches/{batch['id']}")
    example("list_batches", "GET", "/api/v1/batches")
    example("draft_batch_reviews", "GET", f"/api/v1/batches/{batch['id']}/reviews")
    example("request_batch_reviews", "POST", f"/api/v1/batches/{batch['id']}/reviews", {"sent_on": "2026-06-01"})
    drafts = call("POST", "/api/v1/batches", {
        "title": "Victims arrested, 2025", "authority_ids": [home_office, glaa],
        "body": "How many people you arrested in 2025 were later recognised as victims of trafficking?"})
    example("mark_batch_sent", "POST", f"/api/v1/batches/{drafts['id']}/sent", {"sent_on": "2026-05-26"})
finally:
    server.terminate()
    server.wait()

target = os.path.join(root, "src/web/api/examples.json")
with open(target, "w") as out:
    json.dump(dict(sorted(examples.items())), out, indent=1, ensure_ascii=False)
    out.write("\n")
print(f"{len(examples)} operations' examples written to {target}")
