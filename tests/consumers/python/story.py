"""A sales-ops story told with nothing but the Python client that openapi-python-client generates from
docs/openapi.json (tests/consumers/run.sh, checks `python-client` and `prism`).

    LEADSCORE_CLIENT_DIR=<dir holding leadscore_client/> LEADSCORE_URL=http://127.0.0.1:8080 \
    LEADSCORE_EMAIL=admin@bank.example LEADSCORE_PASSWORD=... BANK_CSV=model/data/bank.csv python story.py

Every call goes through a generated `api.<tag>.<operation>.sync_detailed` function with generated models; there is
no hand-written HTTP. A step checks the status, the parsed body and what the body says, and that the body parsed
into the spec's *named* type (`CustomerDto`, not an anonymous `EnvelopeCustomerDtoData`): a generated client is
only pleasant when one resource is one type everywhere.

Behind Prism (LEADSCORE_URL is the proxy, LEADSCORE_DIRECT_URL the server): Prism 5 reads every request and
response body that is not JSON as UTF-8 text, so binary bodies (PNG, XLSX) come out mangled (stoplightio/prism
#1321, #2349). The binary *uploads* then go straight to the server, and each binary *download* is made twice:
through Prism, which validates status, headers and media type, and straight from the server for the bytes.

Every response is inspected for Prism's `sl-violations` header; any violation fails the story. Steps run in order
and share a context; a step whose input an earlier failure did not produce is reported as blocked (and fails the
run too). Exit status: 0 only when every step passed.
"""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import time
import traceback
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, os.environ.get("LEADSCORE_CLIENT_DIR", os.path.join(os.path.dirname(__file__), "..", "output")))

import httpx  # noqa: E402  (the generated client's own transport; used only for an event hook)
from leadscore_client import AuthenticatedClient, Client, models  # noqa: E402
from leadscore_client.api.analytics import lift  # noqa: E402
from leadscore_client.api.auth import login, refresh  # noqa: E402
from leadscore_client.api.campaigns import create_campaign, get_campaign, run_campaign  # noqa: E402
from leadscore_client.api.customers import export_customers, get_customer, import_customers, list_customers  # noqa: E402
from leadscore_client.api.leads import create_note, lead_stats, list_leads, list_notes, update_lead  # noqa: E402
from leadscore_client.api.me import get_me, set_avatar  # noqa: E402
from leadscore_client.api.scoring import predict, predict_batch  # noqa: E402
from leadscore_client.api.uploads import serve_media  # noqa: E402
from leadscore_client.types import File, Response, Unset  # noqa: E402

BASE_URL = os.environ.get("LEADSCORE_URL", "http://127.0.0.1:8080")
DIRECT_URL = os.environ.get("LEADSCORE_DIRECT_URL") or BASE_URL
BEHIND_PRISM = DIRECT_URL != BASE_URL
EMAIL = os.environ["LEADSCORE_EMAIL"]
PASSWORD = os.environ["LEADSCORE_PASSWORD"]
BANK_CSV = os.environ.get(
    "BANK_CSV", os.path.join(os.path.dirname(__file__), "..", "..", "..", "model", "data", "bank.csv")
)
LABEL = os.environ.get("STORY_LABEL", "python story")


class StepFailed(Exception):
    pass


@dataclass
class Story:
    """What the steps share, plus what they found."""

    token: str | None = None
    refresh_token: str | None = None
    client: AuthenticatedClient | None = None
    direct: AuthenticatedClient | None = None
    values: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    type_findings: list[str] = field(default_factory=list)

    def need(self, *keys: str) -> list[Any]:
        missing = [k for k in keys if k not in self.values]
        if missing:
            raise Blocked(", ".join(missing))
        return [self.values[k] for k in keys]


class Blocked(Exception):
    pass


story = Story()


def record_violations(response: httpx.Response) -> None:
    """httpx response hook: Prism puts the violations it found for this exchange in `sl-violations`."""
    header = response.headers.get("sl-violations")
    if header:
        request = response.request
        try:
            found = json.loads(header)
            text = "; ".join(f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}" for v in found)
        except ValueError:
            text = header
        story.violations.append(f"{request.method} {request.url.raw_path.decode()} -> {response.status_code}: {text}")


def hooks() -> dict[str, Any]:
    return {"event_hooks": {"response": [record_violations]}}


def anonymous() -> Client:
    return Client(base_url=BASE_URL, httpx_args=hooks(), timeout=httpx.Timeout(60.0))


def authenticated(token: str, base_url: str = BASE_URL) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=base_url, token=token, httpx_args=hooks(), timeout=httpx.Timeout(60.0))


def body_text(response: Response[Any]) -> str:
    text = response.content[:600].decode("utf-8", "replace")
    return text + ("…" if len(response.content) > 600 else "")


def ok(what: str, response: Response[Any], status: int) -> Any:
    """The response has `status` and parsed into a generated success envelope (whatever the spec names it: the
    steps check the named type of what it carries, see `named`); answers the parsed envelope."""
    if int(response.status_code) != status:
        raise StepFailed(f"{what}: HTTP {int(response.status_code)} (expected {status}): {body_text(response)}")
    parsed = response.parsed
    if parsed is None or isinstance(parsed, models.ErrorBody) or not hasattr(parsed, "data"):
        raise StepFailed(
            f"{what}: the client parsed {type(parsed).__name__}, not a success envelope: {body_text(response)}"
        )
    return parsed


def named(what: str, value: Any, model: str) -> None:
    """Records (without stopping the step) that `value` is not the spec's named schema `model`."""
    cls = getattr(models, model, None)
    if cls is None:
        story.type_findings.append(f"{what}: the spec has no named schema {model}")
    elif not isinstance(value, cls):
        story.type_findings.append(f"{what}: decoded as the anonymous {type(value).__name__}, not {model}")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def value(v: Any) -> Any:
    """An enum's string, or the value itself."""
    return getattr(v, "value", v)


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A small valid PNG (RGB gradient), made here so nothing is read from disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + bytes(c for x in range(width) for c in (x * 30 % 256, y * 30 % 256, 128)) for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def file_bytes(what: str, parsed: Any, operation: Any) -> bytes:
    """A binary response must parse into the generated `File` (the spec's `type: string, format: binary`)."""
    if isinstance(parsed, File):
        return parsed.payload.read()
    declared = operation.sync_detailed.__annotations__.get("return", "?")
    raise StepFailed(
        f"{what}: the generated {operation.__name__.rsplit('.', 1)[-1]}() is declared `{declared}` and gave "
        f"{type(parsed).__name__}, not File: the spec does not describe this body as `type: string, format: binary`"
    )


# ── The steps ──────────────────────────────────────────────────────────────────────────────────────────────────


def sign_in() -> None:
    r = login.sync_detailed(client=anonymous(), body=models.LoginRequest(identifier=EMAIL, password=PASSWORD))
    data = ok("login", r, 200).data
    named("login data", data, "TokenResponse")
    named("login data.user", data.user, "UserDto")
    check(data.user.email == EMAIL, f"signed in as {data.user.email}, expected {EMAIL}")
    check(value(data.token_type) == "Bearer", f"token type {data.token_type!r}")
    story.token, story.refresh_token = data.access_token, data.refresh_token
    story.client = authenticated(data.access_token)
    story.direct = authenticated(data.access_token, DIRECT_URL)
    print(f"  signed in as {data.user.email} ({value(data.user.role)}); access token for {data.expires_in}s")


def refresh_tokens() -> None:
    check(story.refresh_token is not None, "no refresh token")
    r = refresh.sync_detailed(client=anonymous(), body=models.RefreshRequest(refresh_token=story.refresh_token))
    data = ok("refresh", r, 200).data
    named("refresh data", data, "TokenResponse")
    check(data.refresh_token != story.refresh_token, "the refresh token was not rotated")
    story.token, story.refresh_token = data.access_token, data.refresh_token
    story.client = authenticated(data.access_token)
    story.direct = authenticated(data.access_token, DIRECT_URL)
    me = ok("me", get_me.sync_detailed(client=story.client), 200).data
    named("me data", me, "UserDto")
    check(me.email == EMAIL, f"GET /me with the refreshed token is {me.email}")
    print(f"  refreshed: new token pair; GET /me -> {me.email}")


def import_bank_csv() -> None:
    with open(BANK_CSV, "rb") as f:
        content = f.read()
    # A CSV is text, so it passes through Prism unharmed: this upload goes through the proxy.
    upload = models.FileUpload(file=File(payload=io.BytesIO(content), file_name="bank.csv", mime_type="text/csv"))
    r = import_customers.sync_detailed(
        client=story.client, body=upload, mode=models.ImportModeParam.STRICT, on_conflict=models.OnConflictParam.SKIP
    )
    report = ok("import", r, 200).data
    named("import data", report, "ImportReportDto")
    check(report.total_errors == 0, f"{report.total_errors} errors: {report.errors}")
    check(
        report.created + report.updated + report.skipped == report.total_rows, f"rows not all taken: {report.to_dict()}"
    )
    print(f"  {report.total_rows} rows: {report.created} created, {report.skipped} skipped, {report.updated} updated")


def list_and_filter_customers() -> None:
    r = list_customers.sync_detailed(
        client=story.client,
        job=[models.JobDto.MANAGEMENT],
        age_min=30,
        housing=True,
        sort_by=models.CustomerSortBy.BALANCE,
        sort_dir=models.SortDirParam.DESC,
        limit=5,
        page=1,
    )
    page = ok("list customers", r, 200).data
    items = page.items
    for c in items:
        named("customer list item", c, "CustomerDto")
    named("customer list pagination", page.pagination, "Pagination")
    check(len(items) == 5, f"expected 5 customers, got {len(items)}")
    check(all(value(c.job) == "management" and c.age >= 30 and c.housing for c in items), "the filter was not applied")
    balances = [c.balance for c in items]
    check(balances == sorted(balances, reverse=True), f"not by descending balance: {balances}")
    check(page.pagination.total_items >= 5 and page.pagination.items_per_page == 5, f"pagination {page.pagination}")
    top = items[0]
    one = ok("get customer", get_customer.sync_detailed(top.id, client=story.client), 200).data
    named("customer", one, "CustomerDto")
    check(one.id == top.id and one.balance == top.balance, "GET /customers/{id} disagrees with the list")
    story.values["customers"] = items
    print(f"  {page.pagination.total_items} managers over 30 with a housing loan; top balances {balances}")


def score_one() -> None:
    (customers,) = story.need("customers")
    c = customers[0]
    r = predict.sync_detailed(client=story.client, body=models.PredictionRequest(customer_id=c.id))
    p = ok("predict", r, 201).data
    named("prediction", p, "PredictionDto")
    check(p.customer_id == c.id, f"scored {p.customer_id}, asked {c.id}")
    check(0 <= p.probability <= 1 and 0 <= p.score <= 100, f"probability {p.probability}, score {p.score}")
    check(value(p.tier) in ("Hot", "Warm", "Cold"), f"tier {p.tier}")
    check(value(p.source) == "single", f"source {p.source}")
    story.values["prediction"] = p
    print(f"  customer {c.id}: p={p.probability:.4f} score {p.score} {value(p.tier)} (model {p.model_version})")


def score_batch() -> None:
    customers, single = story.need("customers", "prediction")
    c = customers[0]
    features = models.FeaturesDto(
        age=c.age,
        job=c.job,
        marital=c.marital,
        education=c.education,
        default=c.default,
        balance=c.balance,
        housing=c.housing,
        loan=c.loan,
        contact=c.contact,
        day=c.day,
        month=c.month,
        duration=c.duration if not isinstance(c.duration, Unset) and c.duration is not None else 0,
        campaign=c.campaign,
        pdays=c.pdays,
        previous=c.previous,
        poutcome=c.poutcome,
    )
    body = models.BatchPredictionRequest(
        items=[models.PredictionRequest(customer_id=x.id) for x in customers[:3]]
        + [models.PredictionRequest(features=features)]
    )
    batch = ok("batch", predict_batch.sync_detailed(client=story.client, body=body), 201).data
    named("batch", batch, "BatchPredictionDto")
    for item in batch.items:
        named("batch item", item, "PredictionDto")
    check(batch.count == 4 and len(batch.items) == 4, f"count {batch.count}, {len(batch.items)} items")
    check([i.customer_id for i in batch.items[:3]] == [x.id for x in customers[:3]], "items out of order")
    check(all(value(i.source) == "batch" for i in batch.items), "source is not batch")
    check(abs(batch.items[0].probability - single.probability) < 1e-9, "batch and single scoring disagree")
    print(f"  batch of {batch.count}: " + ", ".join(f"{i.probability:.3f}" for i in batch.items))


def campaign_and_run() -> None:
    body = models.CreateCampaignRequest(
        name=f"{LABEL} {time.strftime('%Y-%m-%dT%H:%M:%S')} {uuid.uuid4().hex[:6]}",
        target_leads=20,
        criteria=models.CustomerCriteriaDto(age_min=25, job=[models.JobDto.MANAGEMENT, models.JobDto.TECHNICIAN]),
    )
    campaign = ok("create campaign", create_campaign.sync_detailed(client=story.client, body=body), 201).data
    named("campaign", campaign, "CampaignDto")
    run = ok("run campaign", run_campaign.sync_detailed(campaign.id, client=story.client), 200).data
    named("run report", run, "RunReportDto")
    check(run.leads == 20 and run.matched >= 20, f"run report {run.to_dict()}")
    again = ok("get campaign", get_campaign.sync_detailed(campaign.id, client=story.client), 200).data
    check(again.id == campaign.id, "GET /campaigns/{id} answered another campaign")
    story.values["campaign"] = campaign
    print(f"  campaign {campaign.name!r}: {run.matched} matched, {run.leads} leads in {run.duration_ms} ms")


def work_a_lead() -> None:
    (campaign,) = story.need("campaign")
    leads = ok("list leads", list_leads.sync_detailed(campaign.id, client=story.client, limit=5), 200).data.items
    for lead in leads:
        named("lead list item", lead, "LeadDto")
    check(len(leads) == 5, f"{len(leads)} leads")
    probabilities = [lead.probability for lead in leads]
    check(probabilities == sorted(probabilities, reverse=True), f"leads not by probability: {probabilities}")
    lead = leads[0]
    check(value(lead.status) == "Pending", f"a fresh lead is {lead.status}")
    contacted = ok(
        "contact lead",
        update_lead.sync_detailed(
            campaign.id,
            lead.id,
            client=story.client,
            body=models.UpdateLeadRequest(status=models.LeadStatusDto.CONTACTED),
        ),
        200,
    ).data
    named("updated lead", contacted, "LeadDto")
    check(value(contacted.status) == "Contacted", f"status {contacted.status}")
    text = "Called: interested in a term deposit, call back Friday."
    note = ok(
        "add note",
        create_note.sync_detailed(
            campaign.id,
            lead.id,
            client=story.client,
            body=models.CreateNoteRequest(type_=models.NoteTypeDto.FEEDBACK, text=text),
        ),
        201,
    ).data
    named("note", note, "NoteDto")
    check(note.text == text and value(note.type_) == "Feedback", f"note {note.to_dict()}")
    converted = ok(
        "convert lead",
        update_lead.sync_detailed(
            campaign.id,
            lead.id,
            client=story.client,
            body=models.UpdateLeadRequest(status=models.LeadStatusDto.CONVERTED),
        ),
        200,
    ).data
    check(value(converted.status) == "Converted", f"status {converted.status}")
    notes = ok("list notes", list_notes.sync_detailed(campaign.id, lead.id, client=story.client), 200).data.items
    for n in notes:
        named("note list item", n, "NoteDto")
    kinds = sorted(value(n.type_) for n in notes)
    check(text in [n.text for n in notes] and "System" in kinds, f"notes {kinds}")
    story.values["lead"] = lead
    print(f"  lead #{lead.rank} ({lead.id}): Pending -> Contacted -> Converted; notes {kinds}")


def stats_and_lift() -> None:
    campaign, _ = story.need("campaign", "lead")
    stats = ok("lead stats", lead_stats.sync_detailed(campaign.id, client=story.client), 200).data
    named("lead stats", stats, "LeadStatsDto")
    check(stats.total_leads == 20 and stats.converted == 1 and stats.pending == 19, f"stats {stats.to_dict()}")
    table = ok("lift", lift.sync_detailed(client=story.client, campaign_id=campaign.id), 200).data
    named("lift", table, "LiftDto")
    check(table.outcomes == 1 and table.conversions == 1, f"lift {table.to_dict()}")
    # One outcome is far below minOutcomes: the answer says so instead of inventing a lift table.
    check(table.insufficient_data is True and table.min_outcomes > 1, f"lift {table.to_dict()}")
    print(f"  stats {stats.to_dict()}; lift: {table.outcomes} outcome(s), insufficientData ({table.message})")


def download(what: str, operation: Any, call: Callable[[AuthenticatedClient | Client], Response[Any]]) -> bytes:
    """Calls `operation` (through Prism when behind it) and answers the bytes as the server sent them."""
    r = call(story.client)
    if int(r.status_code) != 200:
        raise StepFailed(f"{what}: HTTP {int(r.status_code)}: {body_text(r)}")
    if BEHIND_PRISM:
        r = call(story.direct)
        check(int(r.status_code) == 200, f"{what} (direct): HTTP {int(r.status_code)}")
    return file_bytes(what, r.parsed, operation)


def export_csv() -> None:
    content = download(
        "export CSV",
        export_customers,
        lambda c: export_customers.sync_detailed(
            client=c, format_=models.ExportFormatParam.CSV, job=[models.JobDto.MANAGEMENT]
        ),
    )
    header = content.split(b"\n", 1)[0].decode("utf-8-sig")
    check("age" in header and "balance" in header and "job" in header, f"CSV header {header!r}")
    check(content.count(b"\n") > 1, "no data rows")
    rows = content.count(b"\n") - 1
    print(f"  CSV: {len(content)} bytes, {rows} rows; header {header[:80]}…")


def export_xlsx() -> None:
    content = download(
        "export XLSX",
        export_customers,
        lambda c: export_customers.sync_detailed(
            client=c, format_=models.ExportFormatParam.XLSX, job=[models.JobDto.MANAGEMENT]
        ),
    )
    check(content[:4] == b"PK\x03\x04", f"not a ZIP (XLSX) file: {content[:8]!r}")
    print(f"  XLSX: {len(content)} bytes, starts with the ZIP magic PK\\x03\\x04")


def avatar() -> None:
    png = png_bytes()
    upload = models.FileUpload(file=File(payload=io.BytesIO(png), file_name="avatar.png", mime_type="image/png"))
    # Binary upload: straight to the server (Prism would re-encode the PNG as UTF-8 text).
    me = ok("set avatar", set_avatar.sync_detailed(client=story.direct, body=upload), 200).data
    named("user after avatar", me, "UserDto")
    url = me.avatar_url
    check(isinstance(url, str) and url.startswith("/media/"), f"avatarUrl {url!r}")
    key = url.removeprefix("/media/")
    content = download("get avatar", serve_media, lambda c: serve_media.sync_detailed(key, client=c))
    check(content[:8] == b"\x89PNG\r\n\x1a\n", f"not a PNG: {content[:8]!r}")
    check(content == png, f"the stored avatar differs from the upload ({len(content)} vs {len(png)} bytes)")
    print(f"  avatar: {len(png)}-byte PNG uploaded, {url} serves it back byte for byte")


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("sign in", sign_in),
    ("refresh the tokens", refresh_tokens),
    ("import model/data/bank.csv (multipart)", import_bank_csv),
    ("list and filter customers", list_and_filter_customers),
    ("score one customer", score_one),
    ("score a batch", score_batch),
    ("create and run a campaign", campaign_and_run),
    ("work a lead: status changes and a note", work_a_lead),
    ("lead stats and lift", stats_and_lift),
    ("export customers as CSV", export_csv),
    ("export customers as XLSX", export_xlsx),
    ("upload an avatar and fetch it back", avatar),
]


def main() -> int:
    print(f"{LABEL}: {BASE_URL}" + (f" (Prism in front of {DIRECT_URL})" if BEHIND_PRISM else ""))
    results: list[tuple[str, str, str]] = []
    for name, step in STEPS:
        if story.client is None and step is not sign_in:
            results.append(("BLOCKED", name, "not signed in"))
            print(f"BLOCKED {name}: not signed in")
            continue
        print(f"-- {name}")
        try:
            step()
            results.append(("PASS", name, ""))
        except Blocked as e:
            results.append(("BLOCKED", name, f"needs {e} from an earlier step"))
            print(f"  BLOCKED: needs {e} from an earlier step")
        except StepFailed as e:
            results.append(("FAIL", name, str(e)))
            print(f"  FAIL: {e}")
        except Exception as e:  # a crash in generated code is a finding too
            detail = "".join(traceback.format_exception_only(e)).strip()
            results.append(("FAIL", name, f"crashed: {detail}"))
            print(f"  FAIL (crash): {detail}")
            traceback.print_exc(limit=3)
    if story.type_findings:
        unique = sorted(set(story.type_findings))
        results.append(("FAIL", "named types", f"{len(unique)} response parts decoded into anonymous types"))
    if story.violations:
        results.append(("FAIL", "Prism violations", f"{len(story.violations)} responses carried sl-violations"))

    print(f"\n{LABEL}: summary")
    for status, name, detail in results:
        print(f"  {status:<8}{name}" + (f" — {detail}" if detail and status != "PASS" else ""))
    if story.type_findings:
        print("\n  anonymous types (the spec inlines the schema instead of $ref-ing the named component):")
        for finding in sorted(set(story.type_findings)):
            print(f"    - {finding}")
    if story.violations:
        print("\n  Prism violations (sl-violations):")
        for v in story.violations:
            print(f"    - {v}")
    passed = sum(1 for s, _, _ in results if s == "PASS")
    failed = len(results) - passed
    print(f"{LABEL}: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
