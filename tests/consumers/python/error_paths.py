"""The API's error paths, sent through Prism's validating proxy (tests/consumers/run.sh, check `prism`).

    PRISM_URL=http://127.0.0.1:4011 LEADSCORE_URL=http://127.0.0.1:8080 LEADSCORE_EMAIL=... LEADSCORE_PASSWORD=... \
    python error_paths.py

Each case sends one request that the server must refuse, through a Prism proxy started WITHOUT `--errors` (with it,
Prism answers an invalid request itself instead of forwarding it, and the server's own answer is never seen). For
each case:

- the server answers the status CONVENTIONS.md gives for it, with the JSend `fail` envelope and an X-Request-Id;
- Prism reports no violation of the *response* (status documented for the operation, body and headers as the
  spec describes them);
- on the *request* side, a request that breaks a rule the spec can state (a maximum, a type, a format, a media
  type, a required security scheme) must be reported by Prism — otherwise the spec does not document the rule the
  server enforces — and a request the spec allows must not be.

Raw HTTP on purpose (httpx): these requests are the ones a generated client refuses to build. Exit 0 only when
every case passed.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

PRISM = os.environ["PRISM_URL"].rstrip("/")
EMAIL = os.environ["LEADSCORE_EMAIL"]
PASSWORD = os.environ["LEADSCORE_PASSWORD"]
# The server's JSON body limit (MAX_JSON_BYTES, crates/server/src/config.rs; 256 KiB by default).
MAX_JSON_BYTES = int(os.environ.get("MAX_JSON_BYTES", str(256 * 1024)))
# Failed logins for one identifier before 429 (LOGIN_MAX_FAILURES, default 5; docs/security.md, API6).
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
RUN = uuid.uuid4().hex[:8]

http = httpx.Client(base_url=PRISM, timeout=60.0)


def violations(response: httpx.Response) -> list[dict[str, Any]]:
    header = response.headers.get("sl-violations")
    if not header:
        return []
    try:
        return json.loads(header)
    except ValueError:
        return [{"location": ["?"], "message": header}]


def describe(v: dict[str, Any]) -> str:
    return f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')} ({v.get('severity', '?')})"


@dataclass
class Case:
    status: int
    name: str
    send: Callable[[], httpx.Response]
    # True: the request breaks a rule the spec can state, so Prism must report a request violation.
    # False: the request is valid by the spec, so Prism must report none. None: not judged (see the case).
    request_invalid: bool | None
    extra: Callable[[httpx.Response], list[str]] | None = None


def login(identifier: str, password: str) -> httpx.Response:
    return http.post("/api/v1/auth/login", json={"identifier": identifier, "password": password})


SETUP_PROBLEMS: list[str] = []


def setup_checked(what: str, r: httpx.Response) -> httpx.Response:
    """The requests that prepare the cases are valid ones: Prism must find nothing wrong with them either."""
    SETUP_PROBLEMS.extend(f"{what}: Prism: {describe(v)}" for v in violations(r))
    return r


def token_for(identifier: str, password: str) -> str:
    r = setup_checked(f"sign in as {identifier}", login(identifier, password))
    if r.status_code != 200:
        sys.exit(f"error paths: cannot sign in as {identifier}: HTTP {r.status_code} {r.text[:300]}")
    return r.json()["data"]["accessToken"]


admin = {"Authorization": f"Bearer {token_for(EMAIL, PASSWORD)}"}
sales_email = f"sales.{RUN}@bank.example"
sales_password = f"Sales-{RUN}-pw1"
created = setup_checked(
    "create a Sales user",
    http.post(
        "/api/v1/users",
        headers=admin,
        json={"email": sales_email, "password": sales_password, "fullName": "Error Path Sales", "role": "Sales"},
    ),
)
if created.status_code != 201:
    sys.exit(f"error paths: cannot create the Sales user: HTTP {created.status_code} {created.text[:300]}")
sales = {"Authorization": f"Bearer {token_for(sales_email, sales_password)}"}

UCI_HEADER = (
    '"age";"job";"marital";"education";"default";"balance";"housing";"loan";"contact";"day";"month";"duration";'
    '"campaign";"pdays";"previous";"poutcome";"y"\n'
)
ROW_OK = '58;"management";"married";"tertiary";"no";2143;"yes";"no";"unknown";5;"may";261;1;-1;0;"unknown";"no"\n'
ROW_BAD_AGE = '-3;"management";"married";"tertiary";"no";2143;"yes";"no";"unknown";5;"may";261;1;-1;0;"unknown";"no"\n'


def throttled() -> httpx.Response:
    """LOGIN_MAX_FAILURES wrong passwords for one (unknown) identifier, then one more: 429 with Retry-After."""
    target = f"throttle.{RUN}@bank.example"
    for i in range(LOGIN_MAX_FAILURES):
        r = login(target, f"wrong-{i}")
        if r.status_code != 401:
            raise AssertionError(f"failed login {i + 1} answered {r.status_code}, expected 401")
        found = violations(r)
        if found:
            raise AssertionError("Prism on a failed login: " + "; ".join(map(describe, found)))
    return login(target, "wrong-again")


def retry_after(r: httpx.Response) -> list[str]:
    value = r.headers.get("retry-after", "")
    return [] if value.isdigit() and int(value) > 0 else [f"Retry-After is {value!r}, expected seconds > 0"]


CASES = [
    Case(
        400,
        "limit above the maximum (GET /customers?limit=101)",
        lambda: http.get("/api/v1/customers", params={"limit": 101}, headers=admin),
        True,
    ),
    Case(
        400,
        "wrong JSON type (POST /auth/login, identifier: 42)",
        lambda: http.post("/api/v1/auth/login", json={"identifier": 42, "password": "x"}),
        True,
    ),
    Case(
        400,
        "malformed path parameter (GET /customers/not-a-uuid)",
        lambda: http.get("/api/v1/customers/not-a-uuid", headers=admin),
        True,
    ),
    Case(401, "no token (GET /me)", lambda: http.get("/api/v1/me"), True),
    Case(
        401,
        "a token that is not a JWT (GET /me)",
        lambda: http.get("/api/v1/me", headers={"Authorization": "Bearer not-a-jwt"}),
        False,
    ),
    Case(401, "unknown user (POST /auth/login)", lambda: login(f"nobody.{RUN}@bank.example", "Wrong-pass-1"), False),
    Case(403, "Sales on an Admin endpoint (GET /users)", lambda: http.get("/api/v1/users", headers=sales), False),
    Case(
        403,
        "Sales on a Manager endpoint (GET /customers/export)",
        lambda: http.get("/api/v1/customers/export", headers=sales),
        False,
    ),
    Case(
        404,
        "no such customer (GET /customers/{id})",
        lambda: http.get(f"/api/v1/customers/{uuid.uuid4()}", headers=admin),
        False,
    ),
    Case(
        404,
        "no such campaign (GET /campaigns/{id}/leads)",
        lambda: http.get(f"/api/v1/campaigns/{uuid.uuid4()}/leads", headers=admin),
        False,
    ),
    Case(
        409,
        "duplicate e-mail (POST /users)",
        lambda: http.post(
            "/api/v1/users", headers=admin, json={"email": sales_email, "password": "Another-pw-1", "role": "Sales"}
        ),
        False,
    ),
    # Not judged on the request side: the spec may or may not bound the field's length.
    Case(
        413,
        f"JSON body over MAX_JSON_BYTES ({MAX_JSON_BYTES // 1024} KiB, POST /auth/login)",
        lambda: http.post("/api/v1/auth/login", json={"identifier": "x" * (MAX_JSON_BYTES + 1024), "password": "y"}),
        None,
    ),
    Case(
        415,
        "wrong Content-Type (POST /auth/login, text/plain)",
        lambda: http.post(
            "/api/v1/auth/login", content=b'{"identifier":"a","password":"b"}', headers={"Content-Type": "text/plain"}
        ),
        True,
    ),
    Case(
        422,
        "well-formed CSV whose rows fail validation (POST /customers/import?mode=strict)",
        lambda: http.post(
            "/api/v1/customers/import",
            params={"mode": "strict"},
            headers=admin,
            files={"file": ("bad.csv", (UCI_HEADER + ROW_OK + ROW_BAD_AGE).encode(), "text/csv")},
        ),
        False,
    ),
    Case(429, f"login throttling ({LOGIN_MAX_FAILURES} failures, then one more)", throttled, False, retry_after),
]


def run(case: Case) -> list[str]:
    try:
        r = case.send()
    except AssertionError as e:
        return [str(e)]
    problems: list[str] = []
    if r.status_code != case.status:
        problems.append(f"HTTP {r.status_code}, expected {case.status}: {r.text[:300]}")
    content_type = r.headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        problems.append(f"Content-Type {content_type!r}, expected application/json")
    else:
        body = r.json()
        if body.get("status") != "fail" or not isinstance(body.get("message"), str):
            problems.append(f"not the JSend fail envelope: {r.text[:300]}")
    if not r.headers.get("x-request-id"):
        problems.append("no X-Request-Id")
    found = violations(r)
    response_side = [v for v in found if v.get("location", [""])[0] == "response"]
    request_side = [v for v in found if v.get("location", [""])[0] == "request"]
    problems += [f"Prism, response: {describe(v)}" for v in response_side]
    if case.request_invalid is True and not request_side:
        problems.append(
            "Prism found nothing wrong with this request: the spec does not state the rule the server enforces"
        )
    if case.request_invalid is False:
        problems += [f"Prism, request: {describe(v)}" for v in request_side]
    if case.extra:
        problems += case.extra(r)
    expected = "; ".join(map(describe, request_side)) if case.request_invalid and request_side else ""
    print(
        f"-- {case.status} {case.name}: HTTP {r.status_code}"
        + (f" (Prism, as expected: {expected})" if expected else "")
    )
    return problems


def main() -> int:
    print(f"error paths through Prism at {PRISM}")
    failed = 0
    summary = []
    if SETUP_PROBLEMS:
        failed += 1
        print("-- setup (valid requests)")
        for p in SETUP_PROBLEMS:
            print(f"   FAIL {p}")
    for case in CASES:
        problems = run(case)
        if problems:
            failed += 1
            for p in problems:
                print(f"   FAIL {p}")
        summary.append(("FAIL" if problems else "PASS", case))
    print("\nerror paths: summary")
    for status, case in summary:
        print(f"  {status}  {case.status} {case.name}")
    if SETUP_PROBLEMS:
        print(f"  FAIL  setup: {len(SETUP_PROBLEMS)} violation(s) on valid requests")
    total = len(CASES) + (1 if SETUP_PROBLEMS else 0)
    print(f"error paths: {total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
