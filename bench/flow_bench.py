#!/usr/bin/env python3
"""Flow benchmark: records/s, CPU and peak RSS of integratord moving records
from the bench source to the bench sink (bench/flow_peer.cpp) through a flow
with the 6-field mapping of ../shared/peers/nodered/README.md.

Scenarios:
  batched     import batchSize 1000 (one POST per page of 1,000)
  per-record  one POST per record, the connection's concurrencyLevel 25

Each run starts a fresh integratord (so its peak RSS is that run's), checks
that the sink got every record exactly once (else it fails loudly) and
reports wall time from POST /run to the job's end.

usage: flow_bench.py BUILD_DIR [--sizes 10000,100000,1000000] [--repeats 1]
                     [--scenarios batched,per-record] [--out FILE]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

PAGE = 1000


def call(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        text = r.read()
        return json.loads(text) if text else None


def wait_for(path, seconds=20):
    until = time.time() + seconds
    while time.time() < until:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return open(path).read().strip()
        time.sleep(0.05)
    sys.exit("timed out waiting for " + path)


def proc_cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Peer:
    def __init__(self, build, work):
        self.log = open(os.path.join(work, "peer.log"), "w+")
        self.proc = subprocess.Popen([os.path.join(build, "bench", "flow_peer"), "0", "2"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            self.log.seek(0)
            text = self.log.read()
            if "ready" in text:
                self.url = "http://127.0.0.1:" + text.split()[1]
                return
            time.sleep(0.05)
        sys.exit("flow_peer did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Integratord:
    """`settings`: INTEGRATOR_* environment variables for this process only."""

    def __init__(self, build, work, name, settings=None):
        self.dir = os.path.join(work, name)
        self.log = open(self.dir + ".log", "w")
        self.proc = subprocess.Popen([os.path.join(build, "integratord"), "--data-dir", self.dir,
                                      "--listen", "127.0.0.1:0"], stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(settings or {})})
        self.url = "http://" + wait_for(os.path.join(self.dir, "endpoint"))
        operator = wait_for(os.path.join(self.dir, "operator-token"))
        self.token = wait_for(os.path.join(self.dir, "initial-token"))
        info = call("GET", self.url + "/v1/tokenInfo", self.token)
        call("PUT", f"{self.url}/admin/v1/accounts/{info['_userId']}/rateLimit", operator,
             {"bucketSize": 1000000, "fillRate": 1000000})

    def api(self, method, path, body=None):
        return call(method, self.url + "/v1" + path, self.token, body)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


MAPPING = {"fields": [
    {"extract": "id", "generate": "externalId"},
    {"extract": "email", "generate": "email"},
    {"extract": "first_name", "generate": "firstName"},
    {"extract": "last_name", "generate": "lastName"},
    {"extract": "amount", "generate": "total"},
    {"extract": "status", "generate": "active"},
]}


# The output filter of the comparison's flows: keeps every record, so it
# costs what a filter costs without changing what arrives.
KEEP_ALL = {"type": "expression", "expression": {"version": "1", "rules": ["isnotempty", ["extract", "email"]]}}


def make_flow(node, peer_url, scenario, output_filter=False):
    conn = node.api("POST", "/connections", {"type": "http", "name": "bench peer",
                                             "http": {"baseURI": peer_url, "concurrencyLevel": 25}})["_id"]
    exp = node.api("POST", "/exports", {
        "name": "bench source", "adaptorType": "HTTPExport", "_connectionId": conn, "pageSize": PAGE,
        "http": {"method": "GET", "relativeURI": "/records?page={{export.http.paging.page}}&size=" + str(PAGE),
                 "response": {"resourcePath": "records"},
                 "paging": {"method": "page", "lastPagePath": "nextPage", "lastPageValues": [""]}},
        **({"filter": KEEP_ALL} if output_filter else {})})["_id"]
    http = {"method": ["POST"], "relativeURI": ["/sink"]}
    if scenario == "batched":
        http["batchSize"] = PAGE
    imp = node.api("POST", "/imports", {"name": "bench sink", "adaptorType": "HTTPImport",
                                        "_connectionId": conn, "mapping": MAPPING, "http": http})["_id"]
    return node.api("POST", "/flows", {"name": "bench " + scenario,
                                       "pageGenerators": [{"_exportId": exp}],
                                       "pageProcessors": [{"type": "import", "_importId": imp}]})["_id"]


RUNS = [0]  # every process gets its own data folder


def sink_done_s(stats):
    """When the sink took its last record, on time.monotonic()'s clock."""
    return stats["lastUs"] / 1e6


def measure(node, flow, peer, scenario, size):
    """One run of `flow` on a running integratord: from just before POST run
    until the sink took the last record (its own clock, so polling adds
    nothing); the job must then be completed without errors. integratord's
    CPU is counted until the job is seen over."""
    call("POST", f"{peer.url}/reset?records={size}")
    cpu0, peer_cpu0 = proc_cpu_seconds(node.proc.pid), proc_cpu_seconds(peer.proc.pid)
    start = time.monotonic()
    job = node.api("POST", f"/flows/{flow}/run")["_jobId"]
    # While records flow, only the sink is asked, every 10 ms, as for
    # Node-RED (compare.py wait_sink): asking integratord itself would
    # load the process being measured. Then the job is waited for.
    # A job that ends short (failed) is seen within a quarter second.
    polls = 0
    while call("GET", peer.url + "/stats")["received"] < size:
        polls += 1
        if polls % 25 == 0 and node.api("GET", "/jobs/" + job)["status"] in ("completed", "failed", "canceled"):
            break
        time.sleep(0.01)
    while True:
        j = node.api("GET", "/jobs/" + job)
        if j["status"] in ("completed", "failed", "canceled"):
            break
        time.sleep(0.005)
    cpu = proc_cpu_seconds(node.proc.pid) - cpu0
    peer_cpu = proc_cpu_seconds(peer.proc.pid) - peer_cpu0
    stats = call("GET", peer.url + "/stats")
    wall = sink_done_s(stats) - start
    if j["status"] != "completed" or not stats["complete"] or j["numError"]:
        sys.exit(f"FAILED {scenario} {size}: job {j['status']} numError={j['numError']} sink={stats}")
    return {"wall_s": wall, "records_per_s": size / wall, "cpu_s_per_million": cpu * 1e6 / size,
            "peak_rss_mb": proc_peak_rss_mb(node.proc.pid),
            "page_gap_us": stats.get("pageGapUs", 0),  # 0: a flow_peer older than the field
            "peer_cpu_s_per_million": peer_cpu * 1e6 / size}


class Session:
    """A long-lived integratord with one flow of a scenario, warmed up by a
    1,000-record run (as the comparison warms Node-RED up): what a server
    that is already running does with a run."""

    def __init__(self, build, work, peer, scenario, output_filter=False, settings=None):
        RUNS[0] += 1
        self.peer, self.scenario = peer, scenario
        self.node = Integratord(build, work, f"{scenario}-session-{RUNS[0]}", settings)
        try:
            self.flow = make_flow(self.node, peer.url, scenario, output_filter)
            self.run(PAGE)
        except BaseException:
            self.node.stop()
            raise

    def run(self, size):
        return measure(self.node, self.flow, self.peer, self.scenario, size)

    def stop(self):
        self.node.stop()


def single_build_args(size, rounds, rounds_flag="--rounds"):
    """BUILD_DIR [--size N] [--rounds R]: the arguments of the tools that
    measure one build."""
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", type=int, default=size)
    ap.add_argument(rounds_flag, type=int, default=rounds)
    return ap.parse_args()


def comparison_session(build, prefix):
    """A work folder, a flow_peer and a warmed-up Session of the comparison's
    flow (int-batched with its output filter): what the single-build tools
    measure. Stop them with stop_all([session], peer, work)."""
    work = tempfile.mkdtemp(prefix=prefix)
    peer = Peer(build, work)
    try:
        return work, peer, Session(build, work, peer, "batched", output_filter=True)
    except BaseException:
        peer.stop()
        raise


def stop_all(sessions, peer, work):
    """Stops the sessions and the peer, and removes the work folder."""
    for s in sessions:
        s.stop()
    peer.stop()
    shutil.rmtree(work, ignore_errors=True)


def one_run(build, work, peer, scenario, size, index, output_filter=False):
    """One run in a fresh integratord (the memory curve: its peak RSS is the run's alone)."""
    RUNS[0] += 1
    node = Integratord(build, work, f"{scenario}-{size}-{index}-{RUNS[0]}")
    try:
        return measure(node, make_flow(node, peer.url, scenario, output_filter), peer, scenario, size)
    finally:
        node.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--scenarios", default="batched,per-record")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--out")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="flow-bench-")
    peer = Peer(args.build, work)
    rows = []
    try:
        for scenario in args.scenarios.split(","):
            for size in sizes:
                runs = [one_run(args.build, work, peer, scenario, size, i) for i in range(args.repeats)]  # fresh process each
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                rows.append({"scenario": scenario, "records": size, "runs": runs, **med})
                print(f"  {scenario:<10} {size:>9,} records: {med['records_per_s']:>10,.0f} rec/s", file=sys.stderr)
    finally:
        peer.stop()
        subprocess.run(["rm", "-rf", work])
    print(f"\n| scenario | records | records/s | CPU s per 1M | peak RSS MB | wall s |")
    print(f"|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['scenario']} | {r['records']:,} | {r['records_per_s']:,.0f} | "
              f"{r['cpu_s_per_million']:.1f} | {r['peak_rss_mb']:.1f} | {r['wall_s']:.2f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "repeats": args.repeats,
                       "page": PAGE, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
