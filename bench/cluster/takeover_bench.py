#!/usr/bin/env python3
"""A cluster's flow and its takeover, against the single node (issue 16).

Measured in one run, on this machine, with bench/flow_peer as source and
sink (it counts every record, and each duplicate):

  single    one integratord on a private PostgreSQL runs the flow alone;
  cluster   the same flow on a node of a three-node cluster on that
            PostgreSQL (the flow's writes fenced by its lease), undisturbed;
  kill -9   the same again, but the node running the job is killed at a
            third of the records: seconds from the kill until records that
            node could not have sent reach the sink (its job resumed on a
            survivor), the whole run's seconds, and the records sent twice
            against what the job says may have been;
  spread    a three-node cluster whose nodes run their jobs' imports on
            another node (spread-imports): every page crosses from the
            export's node to the import's over CAF (TLS) and its origin
            comes back; undisturbed, then with the import's node killed.

The flow: pages of 1,000 six-field records, the 6-field mapping, import
batchSize 1,000 (bench/flow_bench.py's "batched"). Node timeouts: the
default 10 s, and 3 s.

usage: bench/cluster/takeover_bench.py [--records N] [--timeouts 10,3] [--only spread]
                                      [--rounds 3] [--pages-in-flight 4]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from flow_bench import Peer, call, make_flow, wait_for  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.path.join(ROOT, "build")
PAGES_IN_FLIGHT = 4  # every node's, single or not (--pages-in-flight)


class Node:
    """An integratord on `conninfo`; in a cluster when `certs` is given."""

    def __init__(self, work, name, conninfo, certs=None, timeout=10, folder=None, extra=()):
        self.name, self.dir = name, os.path.join(work, folder or name)
        args = [os.path.join(BUILD, "integratord"), "--data-dir", self.dir, "--listen", "127.0.0.1:0",
                "--postgres", conninfo]
        if certs:
            args += ["--cluster-listen", "127.0.0.1:0", "--cluster-cert", f"{certs}/{name}.pem",
                     "--cluster-key", f"{certs}/{name}.key", "--cluster-ca", f"{certs}/ca.pem",
                     "--node-id", name, "--node-timeout", str(timeout), *extra]
        args += ["--pages-in-flight", str(PAGES_IN_FLIGHT)]
        self.log = open(self.dir + ".log", "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = "http://" + wait_for(os.path.join(self.dir, "endpoint"))
        self.operator = wait_for(os.path.join(self.dir, "operator-token"))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def account(node):
    """A roomy account on `node`: its token."""
    made = call("POST", node.url + "/admin/v1/accounts", node.operator, {"name": "bench", "email": "b@localhost"})
    call("PUT", f"{node.url}/admin/v1/accounts/{made['_id']}/rateLimit", node.operator,
         {"bucketSize": 1000000, "fillRate": 1000000})
    return made["token"]


class Api:
    def __init__(self, node, token):
        self.url, self.token = node.url, token

    def api(self, method, path, body=None):
        return call(method, self.url + "/v1" + path, self.token, body)


def stats(peer):
    return call("GET", peer.url + "/stats")


def hosted(node):
    """Import stages `node` ran for other nodes' jobs."""
    return call("GET", node.url + "/admin/v1/cluster/nodes", node.operator)["stagesHosted"]


def run(api, peer, flow, records, kill=None):
    """Runs `flow` to the end; with `kill` (flow id → the node it killed, and
    the API of a survivor), kills the node running it at a third of the
    records. Returns the figures."""
    call("POST", f"{peer.url}/reset?records={records}")
    start = time.monotonic()
    job = api.api("POST", f"/flows/{flow}/run")["_jobId"]
    out = {}
    if kill:
        while stats(peer)["received"] < records // 3:
            time.sleep(0.01)
        killed, api = kill(flow)  # from here on, a survivor answers
        at_kill = time.monotonic()
        time.sleep(0.3)  # what the killed node had sent lands
        settled = stats(peer)["received"]
        while stats(peer)["received"] <= settled and time.monotonic() - at_kill < 120:
            time.sleep(0.02)
        out["killed"] = killed
        out["resumed_s"] = round(time.monotonic() - at_kill, 2)
    while True:
        j = api.api("GET", f"/jobs/{job}")
        if j["status"] in ("completed", "failed", "canceled"):
            break
        time.sleep(0.05)
    s = stats(peer)
    out.update(seconds=round(time.monotonic() - start, 2), status=j["status"], counted=j.get("numSuccess", 0),
               distinct=s["distinct"], duplicates=s["duplicates"], possibly_resent=j.get("numPossiblyResent", 0))
    out["records_per_s"] = round(records / out["seconds"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=300000)
    ap.add_argument("--timeouts", default="10,3")
    ap.add_argument("--only", choices=["spread"], help="the single node and the spread cluster only")
    ap.add_argument("--pages-in-flight", type=int, default=4,
                    help="every node's credit per stage (integratord --pages-in-flight)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of the single node and the spread cluster, alternating (medians)")
    args = ap.parse_args()
    global PAGES_IN_FLIGHT
    PAGES_IN_FLIGHT = args.pages_in_flight
    subprocess.run(["bash", os.path.join(ROOT, "scripts/build.sh")], check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="integrator-takeover.")
    pg = os.path.join(work, "pg")
    nodes, peer = [], None
    subprocess.run(["bash", os.path.join(ROOT, "tests/support/private_postgres.sh"), "start", pg], check=True,
                   stdout=subprocess.DEVNULL)
    certs = os.path.join(work, "certs")
    subprocess.run(["bash", os.path.join(ROOT, "tests/support/make_certs.sh"), certs, "n1", "n2", "n3"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        peer = Peer(BUILD, work)
        base = open(os.path.join(pg, "conninfo")).read().strip()

        def schema(name):  # a fresh schema per setup: each starts from an empty store
            subprocess.run(["psql", base, "-qc", f"CREATE SCHEMA {name}"], check=True)
            return f"{base} options='-csearch_path={name}'"

        single = Node(work, "single", schema("single"))
        nodes.append(single)
        single_api = Api(single, account(single))
        single_flow = make_flow(single_api, peer.url, "batched")
        def cluster(tag, timeout, extra=()):
            conninfo = schema(f"cluster{tag}")
            members = {}
            for name in ("n1", "n2", "n3"):
                members[name] = Node(work, name, conninfo, certs, timeout, folder=f"{name}-{tag}", extra=extra)
                nodes.append(members[name])
            time.sleep(2.5)  # beats: every node sees and reaches the others
            api = Api(members["n1"], account(members["n1"]))
            return members, api, make_flow(api, peer.url, "batched")

        def holder(members, flow_id):
            leases = call("GET", members["n1"].url + "/admin/v1/cluster/leases", members["n1"].operator)
            for lease in leases["leases"]:
                if lease["name"].endswith(flow_id) and lease["owner"]:
                    return lease["owner"]
            return None

        def killer(members, api, pick):
            def kill(flow_id):
                name = pick(flow_id)
                members[name].proc.kill()
                members[name].proc.wait()
                return name, Api(members[next(n for n in members if n != name and members[n].proc.poll() is None)],
                                 api.token)
            return kill

        if args.only != "spread":
            for timeout in [int(t) for t in args.timeouts.split(",")]:
                members, api, flow = cluster(f"t{timeout}", timeout)
                if timeout == int(args.timeouts.split(",")[0]):
                    rows.append(("3-node cluster, undisturbed", run(api, peer, flow, args.records)))
                rows.append((f"3-node cluster, kill -9 of the running node, node timeout {timeout} s",
                             run(api, peer, flow, args.records,
                                 killer(members, api, lambda f, m=members: holder(m, f)))))
                for m in members.values():
                    m.stop()
        # Imports on another node than their job's, in rounds alternating
        # with the single node (this machine's speed drifts between runs).
        members, api, flow = cluster("spread", 3, ("--spread-imports", "true"))
        alone, spread = [], []
        for _ in range(args.rounds):
            alone.append(run(single_api, peer, single_flow, args.records))
            before = {n: hosted(m) for n, m in members.items()}
            spread.append(run(api, peer, flow, args.records))
            spread[-1]["import_on"] = [n for n, m in members.items() if hosted(m) > before[n]]
        median = lambda runs: sorted(runs, key=lambda r: r["records_per_s"])[len(runs) // 2]  # noqa: E731
        rows.insert(0, (f"single node, PostgreSQL (median of {args.rounds})", median(alone)))
        rows.append((f"3-node cluster, import on another node (median of {args.rounds})", median(spread)))
        single.stop()

        def import_node(flow_id):
            runs_job = holder(members, flow_id)
            return next(n for n, m in members.items() if n != runs_job and hosted(m) > before[n])

        before = {n: hosted(m) for n, m in members.items()}
        rows.append(("3-node cluster, import on another node, kill -9 of that node, node timeout 3 s",
                     run(api, peer, flow, args.records, killer(members, api, import_node))))
        for m in members.values():
            m.stop()
    finally:
        for n in nodes:
            n.stop()
        if peer:
            peer.stop()
        subprocess.run(["bash", os.path.join(ROOT, "tests/support/private_postgres.sh"), "stop", pg],
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.records:,} records, pages of 1,000, batched import; flow_peer source and sink; "
          f"pages in flight {PAGES_IN_FLIGHT}\n")
    print(f"| {'setup':<80} | {'s':>6} | {'rec/s':>8} | {'kill→resume s':>13} | {'dup':>5} | {'≤ stated':>8} | status")
    print(f"|{'-' * 82}|{'-' * 8}|{'-' * 10}|{'-' * 15}|{'-' * 7}|{'-' * 10}|-------")
    for name, r in rows:
        print(f"| {name:<80} | {r['seconds']:>6} | {r['records_per_s']:>8,} | {str(r.get('resumed_s', '')):>13} | "
              f"{r['duplicates']:>5} | {r['possibly_resent']:>8} | {r['status']} ({r['distinct']:,} distinct)")
    single = rows[0][1]["records_per_s"]
    for name, r in rows:
        if name.startswith("3-node cluster, import on another node ("):
            print(f"\nimport on another node ({', '.join(r['import_on'])}): {r['records_per_s'] / single:.2f} "
                  "of the single node's records/s (target 0.7)")
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    path = os.path.join(ROOT, "bench/results", "takeover-" + time.strftime("%Y-%m-%dT%H-%M-%SZ", time.gmtime()) + ".json")
    with open(path, "w") as f:
        json.dump({"records": args.records, "pages_in_flight": PAGES_IN_FLIGHT, "rows": [{"setup": n, **r} for n, r in rows],
                   "rounds": {"single": alone, "spread": spread}}, f, indent=1)
    print("\nwritten to", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
