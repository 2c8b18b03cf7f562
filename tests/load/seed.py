"""Seeds the load test's server through the API and writes what the wrk script needs as a Lua file.

Creates a Manager and SALES_USERS Sales accounts (as the Admin), a campaign owned by the Manager with the Sales users
as collaborators, runs it (targetLeads = SALES_USERS x LEADS_PER_SALES) and assigns its leads round-robin to the Sales
users, then signs every account in. Before writing anything it walks one spare lead through the cycle the load uses
(Sales: Pending -> Contacted -> Converted, Manager: reopen -> Pending), so a change to the workflow rules fails here and
not as errors under load. Samples customer ids (for predictions by customerId) and surnames (for `q` searches).

Environment: BASE_URL, ADMIN_EMAIL, ADMIN_PASSWORD, STATE_FILE (the Lua file to write), SALES_USERS (default 3),
LEADS_PER_SALES (default 1000). Standard library only. Exits non-zero on any unexpected answer.
"""

import http.client
import json
import os
import sys
import urllib.parse

BASE = urllib.parse.urlsplit(os.environ["BASE_URL"])
SALES_USERS = int(os.environ.get("SALES_USERS", "3"))
LEADS_PER_SALES = int(os.environ.get("LEADS_PER_SALES", "1000"))
CONN = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=120)


def call(method, path, token=None, body=None, expect=(200, 201)):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    CONN.request(method, "/api/v1" + path, body=None if body is None else json.dumps(body), headers=headers)
    response = CONN.getresponse()
    raw = response.read()
    if response.status not in expect:
        sys.exit(f"seed: {method} {path} answered {response.status}: {raw[:500]!r}")
    return json.loads(raw).get("data") if raw else None


def login(identifier, password):
    return call("POST", "/auth/login", body={"identifier": identifier, "password": password})["accessToken"]


def lua(value):
    """A Lua literal for a str, int, list or dict (keys: identifiers)."""
    if isinstance(value, str):
        if not value.isascii() or any(c in value for c in '"\\\n'):
            raise ValueError(f"not a plain ASCII string: {value!r}")
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {lua(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def main():
    admin = login(os.environ["ADMIN_EMAIL"], os.environ["ADMIN_PASSWORD"])
    accounts = [("Manager", "load.manager@bank.example", "Load-Manager-pw1", "Load Manager")]
    accounts += [
        ("Sales", f"load.sales{i}@bank.example", f"Load-Sales{i}-pw1", f"Load Sales {i}") for i in range(1, SALES_USERS + 1)
    ]
    ids = {}
    for role, email, password, name in accounts:
        ids[email] = call("POST", "/users", admin, {"email": email, "password": password, "role": role, "fullName": name})["id"]
    manager_email = accounts[0][1]
    sales = accounts[1:]
    manager = login(manager_email, accounts[0][2])

    target = SALES_USERS * LEADS_PER_SALES + 1  # + 1: the lead the rules are checked on
    campaign = call(
        "POST",
        "/campaigns",
        manager,
        {
            "name": "Load test call list",
            "description": "Created by tests/load/run.sh",
            "targetLeads": target,
            "collaboratorEmails": [email for _, email, _, _ in sales],
        },
    )["id"]
    run = call("POST", f"/campaigns/{campaign}/run", manager)
    if run["leads"] < target:
        sys.exit(f"seed: the run kept {run['leads']} leads, {target} needed (import more customers)")

    leads, seen = [], set()
    page = 1
    while len(leads) < target:
        data = call("GET", f"/campaigns/{campaign}/leads?limit=100&page={page}", manager)
        for item in data["items"]:
            if item["status"] == "Pending" and item["assignee"] is None and item["id"] not in seen:
                seen.add(item["id"])
                leads.append(item["id"])
        if page >= data["pagination"]["totalPages"]:
            break
        page += 1
    if len(leads) < target:
        sys.exit(f"seed: {len(leads)} pending unassigned leads, {target} needed")

    # Check the cycle on the spare lead, as the load will drive it.
    probe, leads = leads[0], leads[1:target]
    first_sales_email, first_sales_password = sales[0][1], sales[0][2]
    first_sales = login(first_sales_email, first_sales_password)
    call("PATCH", f"/campaigns/{campaign}/leads/{probe}", manager, {"assignee": ids[first_sales_email]})
    for token, status in ((first_sales, "Contacted"), (first_sales, "Converted"), (first_sales, "Pending"),
                          (manager, "Pending"), (first_sales, "Contacted"), (first_sales, "Failed"),
                          (manager, "Pending")):
        if token is first_sales and status == "Pending":  # Sales may not reopen: the Manager's step is needed
            call("PATCH", f"/campaigns/{campaign}/leads/{probe}", token, {"status": status}, expect=(409,))
            continue
        got = call("PATCH", f"/campaigns/{campaign}/leads/{probe}", token, {"status": status})["status"]
        if got != status:
            sys.exit(f"seed: the probe lead is {got}, expected {status}")

    # Assign the leads round-robin: lead i to Sales user i mod SALES_USERS (1-based index in the Lua file).
    assigned = []
    for i, lead in enumerate(leads):
        who = i % SALES_USERS
        call("PATCH", f"/campaigns/{campaign}/leads/{lead}", manager, {"assignee": ids[sales[who][1]]})
        assigned.append([lead, who + 1])

    customers, surnames = [], set()
    for page, sort in ((1, "score"), (2, "score"), (1, "balance"), (1, "age"), (1, "createdAt"), (40, "name")):
        data = call("GET", f"/customers?limit=100&page={page}&sortBy={sort}&sortDir=desc", manager)
        for item in data["items"]:
            customers.append(item["id"])
            if item.get("name"):
                surnames.add(item["name"].split()[-1].lower())
    total_customers = data["pagination"]["totalItems"]

    state = {
        "campaign": campaign,
        "manager": manager,
        "sales": [login(email, password) for _, email, password, _ in sales],
        "logins": [{"identifier": email, "password": password} for _, email, password, _ in accounts],
        "leads": assigned,
        "customers": sorted(set(customers)),
        "surnames": [urllib.parse.quote(name) for name in sorted(surnames)[:60]],  # percent-encoded for `q=`
        "total_customers": total_customers,
    }
    with open(os.environ["STATE_FILE"], "w", encoding="utf-8") as f:
        f.write("-- generated by tests/load/seed.py\nreturn " + lua(state) + "\n")
    print(
        f"seeded: {len(accounts)} accounts (1 Manager, {SALES_USERS} Sales), campaign {campaign} with "
        f"{run['leads']} leads ({len(assigned)} assigned, {LEADS_PER_SALES} per Sales user), "
        f"{total_customers} customers, {len(state['customers'])} sampled ids, {len(state['surnames'])} surnames"
    )


if __name__ == "__main__":
    main()
