#!/usr/bin/env python3
"""Two builds of integratord on one flow against a real web server, alternated
run by run: nginx (Debian's) serves pre-generated pages of wide, nested
customer records as static files and answers the sink with a fixed 200.

Each record is a customer as APIs send it (~0.9 KB: 25 top-level fields, a
nested address with coordinates, tags, orders with line items, escaped
text); the flow maps 7 of its fields (one nested) into batched POSTs of a
page each, as a user would. Every run must end completed with every record
a success, and nginx's access log must show one sink POST per page. Prints
each round and the medians of records/s and integratord's CPU seconds per
million records.

usage: nginx_ab.py BUILD_A BUILD_B [--records 500000] [--rounds 5]
(a build dir holds integratord; e.g. a git worktree's build/)
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flow_bench as fb  # noqa: E402

PAGE = 1000
MAPPING = {"fields": [
    {"extract": "id", "generate": "externalId"},
    {"extract": "email", "generate": "email"},
    {"extract": "first_name", "generate": "firstName"},
    {"extract": "last_name", "generate": "lastName"},
    {"extract": "lifetime_value", "generate": "total"},
    {"extract": "active", "generate": "active"},
    {"extract": "address.city", "generate": "city"},
]}


def customer(i):
    """A deterministic customer record, ~0.9 KB."""
    return {
        "id": i, "email": f"customer{i}@example.com", "first_name": f"First{i % 997}", "last_name": f"Last{i % 991}",
        "phone": f"+1-555-{i % 10000:04d}", "company": f"Company {i % 313} \"Ltd\"", "active": i % 7 != 0,
        "created_at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00Z", "updated_at": "2026-12-01T08:00:00Z",
        "lifetime_value": round(i * 1.37 % 10000, 2), "currency": "USD", "locale": "en-US", "timezone": "America/New_York",
        "notes": f"Called on {i % 28 + 1} Nov.\nAsked about \"priority\" shipping\tand a refund of $12.50 \\ tax.",
        "address": {"street": f"{i % 900 + 1} Main St", "city": ["Springfield", "Riverton", "Lakeside"][i % 3],
                    "zip": f"{10000 + i % 89999}", "country": "US",
                    "geo": {"lat": round(40 + (i % 1000) / 1000, 4), "lng": round(-74 - (i % 1000) / 1000, 4)}},
        "tags": ["vip" if i % 5 == 0 else "regular", "newsletter", f"segment-{i % 11}"],
        "orders": [{"id": f"o-{i}-{k}", "total": round((i + k) % 500 + 0.99, 2),
                    "items": [{"sku": f"SKU-{(i + k) % 97}", "qty": 1 + k}]} for k in range(2)],
        "preferences": {"newsletter": i % 2 == 0, "language": "en", "channel": "email"},
        "source": "web", "score": i % 100, "referrer": None, "loyalty_tier": ["bronze", "silver", "gold"][i % 3],
        "birthday": f"19{60 + i % 40}-0{1 + i % 9}-1{i % 9}", "marketing_opt_in": True, "external_ref": f"crm-{i:08d}",
    }


def write_pages(www, records):
    os.makedirs(os.path.join(www, "pages"))
    pages = (records + PAGE - 1) // PAGE
    size = 0
    for p in range(pages):
        body = {"page": p, "records": [customer(i) for i in range(p * PAGE, min(records, (p + 1) * PAGE))],
                "nextPage": p + 1 if p + 1 < pages else None}
        text = json.dumps(body, separators=(",", ":"))
        size += len(text)
        with open(os.path.join(www, "pages", f"{p}.json"), "w") as f:
            f.write(text)
    return pages, size / records


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Nginx:
    def __init__(self, work, www):
        self.work, self.port = work, free_port()
        self.conf = os.path.join(work, "nginx.conf")
        self.access = os.path.join(work, "access.log")
        with open(self.conf, "w") as f:
            f.write(f"""daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log {self.access}; client_max_body_size 64m; keepalive_requests 100000;
  server {{ listen 127.0.0.1:{self.port}; root {www};
    location /pages/ {{ default_type application/json; }}
    location = /sink {{ return 200 '{{}}'; }} }}
}}
""")
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-c", self.conf, "-p", work])
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def sink_posts(self):
        with open(self.access) as f:
            return sum(1 for line in f if '"POST /sink' in line and '" 200 ' in line)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def make_flow(node, url):
    conn = node.api("POST", "/connections", {"type": "http", "name": "nginx",
                                             "http": {"baseURI": url, "concurrencyLevel": 25}})["_id"]
    exp = node.api("POST", "/exports", {
        "name": "customers", "adaptorType": "HTTPExport", "_connectionId": conn, "pageSize": PAGE,
        "http": {"method": "GET", "relativeURI": "/pages/{{export.http.paging.page}}.json",
                 "response": {"resourcePath": "records"},
                 "paging": {"method": "page", "lastPagePath": "nextPage", "lastPageValues": [""]}}})["_id"]
    imp = node.api("POST", "/imports", {"name": "sink", "adaptorType": "HTTPImport", "_connectionId": conn,
                                        "mapping": MAPPING,
                                        "http": {"method": ["POST"], "relativeURI": ["/sink"], "batchSize": PAGE}})["_id"]
    return node.api("POST", "/flows", {"name": "customers to nginx", "pageGenerators": [{"_exportId": exp}],
                                       "pageProcessors": [{"type": "import", "_importId": imp}]})["_id"]


def run(node, flow, nginx, records, pages):
    posts0 = nginx.sink_posts()
    cpu0 = fb.proc_cpu_seconds(node.proc.pid)
    start = time.monotonic()
    job = node.api("POST", f"/flows/{flow}/run")["_jobId"]
    while True:
        j = node.api("GET", "/jobs/" + job)
        if j["status"] in ("completed", "failed", "canceled"):
            break
        time.sleep(0.02)
    wall = time.monotonic() - start
    cpu = fb.proc_cpu_seconds(node.proc.pid) - cpu0
    posts = nginx.sink_posts() - posts0
    if j["status"] != "completed" or j["numSuccess"] != records or j["numError"] or posts != pages:
        sys.exit(f"FAILED: job {j['status']} success={j['numSuccess']} error={j['numError']} sink POSTs={posts}")
    return records / wall, cpu * 1e6 / records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_a")
    ap.add_argument("build_b")
    ap.add_argument("--records", type=int, default=500_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="nginx-ab-")
    os.chmod(work, 0o755)  # nginx's workers (www-data under root) read the pages
    www = os.path.join(work, "www")
    pages, per_record = write_pages(www, args.records)
    nginx = Nginx(work, www)
    nodes, flows = {}, {}
    try:
        for name, build in (("A", args.build_a), ("B", args.build_b)):
            nodes[name] = fb.Integratord(build, work, "node-" + name)
            flows[name] = make_flow(nodes[name], nginx.url)
            run(nodes[name], flows[name], nginx, args.records, pages)  # warm-up
        print(f"{args.records:,} customer records of {per_record:,.0f} bytes in {pages} pages from nginx\n")
        print("| round | A rec/s | A CPU s per 1M | B rec/s | B CPU s per 1M |\n|---:|---:|---:|---:|---:|")
        rate = {"A": [], "B": []}
        cpu = {"A": [], "B": []}
        for i in range(args.rounds):
            for name in ("A", "B"):
                r, c = run(nodes[name], flows[name], nginx, args.records, pages)
                rate[name].append(r)
                cpu[name].append(c)
            print(f"| {i + 1} | {rate['A'][-1]:,.0f} | {cpu['A'][-1]:.2f} | {rate['B'][-1]:,.0f} | {cpu['B'][-1]:.2f} |",
                  flush=True)
        print()
        for name, build in (("A", args.build_a), ("B", args.build_b)):
            print(f"{name} ({build}): median {statistics.median(rate[name]):,.0f} records/s, "
                  f"{statistics.median(cpu[name]):.2f} CPU s per 1M")
    finally:
        for n in nodes.values():
            n.stop()
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
