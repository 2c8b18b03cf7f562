"""Prepares the fuzzing server: one account per role and a little real data (customers, a run campaign with its
leads, a note, a prediction), so list endpoints return items and stateful sequences reach existing objects.

Prints shell assignments TOKEN_ADMIN, TOKEN_MANAGER and TOKEN_SALES on standard output. Reads BASE_URL,
ADMIN_EMAIL and ADMIN_PASSWORD from the environment (set by tests/support/serve.sh)."""

import os
import sys

import requests

BASE = os.environ["BASE_URL"] + "/api/v1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE_ROWS = 300


def call(method, path, token=None, expect=(200, 201), **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.request(method, BASE + path, headers=headers, timeout=60, **kwargs)
    if response.status_code not in expect:
        sys.exit(f"prepare: {method} {path} answered {response.status_code}: {response.text[:500]}")
    return response.json().get("data") if response.content else None


def login(identifier, password):
    return call("POST", "/auth/login", json={"identifier": identifier, "password": password})["accessToken"]


def main():
    admin = login(os.environ["ADMIN_EMAIL"], os.environ["ADMIN_PASSWORD"])
    tokens = {"ADMIN": admin}
    accounts = {}
    for role in ("Manager", "Sales"):
        email = f"fuzz.{role.lower()}@bank.example"
        password = f"Fuzz-{role}-pw1"
        call("POST", "/users", admin, json={"email": email, "password": password, "role": role})
        accounts[role] = email
        tokens[role.upper()] = login(email, password)

    with open(os.path.join(ROOT, "model/data/bank.csv"), encoding="utf-8") as f:
        sample = "".join(line for _, line in zip(range(SAMPLE_ROWS + 1), f))
    call("POST", "/customers/import", admin, files={"file": ("bank.csv", sample, "text/csv")})

    campaign = call(
        "POST",
        "/campaigns",
        tokens["MANAGER"],
        json={"name": "Fuzzing", "targetLeads": 50, "collaboratorEmails": [accounts["Sales"]]},
    )
    call("POST", f"/campaigns/{campaign['id']}/run", tokens["MANAGER"])
    leads = call("GET", f"/campaigns/{campaign['id']}/leads?limit=2", tokens["SALES"])["items"]
    call(
        "POST",
        f"/campaigns/{campaign['id']}/leads/{leads[0]['id']}/notes",
        tokens["SALES"],
        json={"type": "Feedback", "text": "Asked to be called back next week."},
    )
    customer = call("GET", "/customers?limit=1", admin)["items"][0]
    call("POST", "/predictions", tokens["MANAGER"], json={"customerId": customer["id"]})

    # A transaction dataset with more customers than the largest k, and an analysis of it.
    rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"]
    for i in range(24):
        rows.append(f"5363{i:02},85123A,MUG,{i % 7 + 1},12/{i % 28 + 1}/2010 8:26,{1 + i / 10:.2f},178{i:02},United Kingdom")
    dataset = call("POST", "/segmentation/datasets", admin, files={"file": ("retail.csv", "\n".join(rows) + "\n", "text/csv")})
    analysis = call("POST", f"/segmentation/datasets/{dataset['id']}/analyses", admin, json={"k": 3})

    for role, token in tokens.items():
        print(f"TOKEN_{role}={token}")
    # Real ids for the operations schemathesis.toml pins (generated UUIDs name nothing).
    print(f"CAMPAIGN_ID={campaign['id']}")
    print(f"LEAD_ID={leads[1]['id']}")
    print(f"DATASET_ID={dataset['id']}")
    print(f"ANALYSIS_ID={analysis['id']}")


if __name__ == "__main__":
    main()
