#!/usr/bin/env python3
"""User code in a flow (issue 15 §7): Integrator with a JavaScript
preSavePage script that edits every record, beside Node-RED's `fn` flow,
which makes the same edit in a function node, on the same flow_peer source
and sink, records and pages of 1,000, in one run.

  int-script-hook   export → preSavePage script (the 6-field edit of
                    ../shared/peers/nodered, written as a hook) → import
                    batchSize 1000, no mapping: the script does the work
  nodered-fn        ../shared/peers/nodered's fn flow

Each figure is the median of --repeats runs in one warm process per
scenario (as compare.py measures). CPU counts integratord and its script
workers together. The memory curve runs the hook flow once per size in a
fresh integratord and reports the peak RSS of integratord and of its
largest worker. The per-page cost of a hook call (integratord → worker →
back) is the difference between this flow and the same flow with the hook
left out and the edit done by the import's mapping, per page.

usage: hook_bench.py BUILD_DIR [--sizes 100000,1000000] [--memory-sizes 100000,1000000,10000000]
                     [--repeats 3] [--skip-nodered]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time, shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flow_bench as fb  # noqa: E402
import compare  # noqa: E402

HOOK = """
export function preSavePage({ data }) {
  return {
    data: data.map((r) => ({ externalId: r.id, email: r.email, firstName: r.first_name, lastName: r.last_name,
                             total: r.amount, active: r.status })),
    errors: [],
    abort: false
  }
}
"""


def make_flow(node, peer_url, hooked):
    conn = node.api("POST", "/connections", {"type": "http", "name": "bench peer",
                                             "http": {"baseURI": peer_url, "concurrencyLevel": 25}})["_id"]
    export = {"name": "bench source", "adaptorType": "HTTPExport", "_connectionId": conn, "pageSize": fb.PAGE,
              "http": {"method": "GET", "relativeURI": "/records?page={{export.http.paging.page}}&size=" + str(fb.PAGE),
                       "response": {"resourcePath": "records"},
                       "paging": {"method": "page", "lastPagePath": "nextPage", "lastPageValues": [""]}}}
    imp = {"name": "bench sink", "adaptorType": "HTTPImport", "_connectionId": conn,
           "http": {"method": ["POST"], "relativeURI": ["/sink"], "batchSize": fb.PAGE}}
    if hooked:
        script = node.api("POST", "/scripts", {"name": "edit", "content": HOOK})["_id"]
        export["hooks"] = {"preSavePage": {"_scriptId": script, "function": "preSavePage"}}
    else:
        imp["mapping"] = fb.MAPPING
    exp = node.api("POST", "/exports", export)["_id"]
    imp_id = node.api("POST", "/imports", imp)["_id"]
    return node.api("POST", "/flows", {"name": "bench hook" if hooked else "bench mapping",
                                       "pageGenerators": [{"_exportId": exp}],
                                       "pageProcessors": [{"type": "import", "_importId": imp_id}]})["_id"]


def workers(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


class HookSession:
    """A warm integratord with the hook flow (or its mapping twin)."""

    def __init__(self, build, work, peer, hooked, name):
        self.peer, self.hooked = peer, hooked
        self.node = fb.Integratord(build, work, name)
        self.flow = make_flow(self.node, peer.url, hooked)
        self.run(fb.PAGE)  # warm-up: starts the workers, compiles the script

    def run(self, size):
        pids = workers(self.node.proc.pid)
        cpu0 = sum(fb.proc_cpu_seconds(p) for p in pids)
        r = fb.measure(self.node, self.flow, self.peer, "int-script-hook" if self.hooked else "int-mapping", size)
        pids_after = workers(self.node.proc.pid)
        worker_cpu = sum(fb.proc_cpu_seconds(p) for p in pids_after) - cpu0
        r["worker_cpu_s_per_million"] = worker_cpu * 1e6 / size
        r["cpu_s_per_million"] += r["worker_cpu_s_per_million"]
        r["worker_peak_rss_mb"] = max((fb.proc_peak_rss_mb(p) for p in pids_after), default=0.0)
        return r

    def stop(self):
        self.node.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--memory-sizes", default="100000,1000000,10000000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-nodered", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="hook-bench-")
    peer = fb.Peer(args.build, work)
    rows, memory = [], []
    try:
        for name, hooked in (("int-script-hook", True), ("int-mapping", False)):
            s = HookSession(args.build, work, peer, hooked, name)
            try:
                for size in sizes:
                    rows.append(compare.median_row(name, size, [s.run(size) for _ in range(args.repeats)]))
            finally:
                s.stop()
        if not args.skip_nodered:
            red = compare.NodeRed(work)
            try:
                red.run(peer, "fn", 1000)
                for size in sizes:
                    rows.append(compare.median_row("nodered-fn", size, [red.run(peer, "fn", size) for _ in range(args.repeats)]))
            finally:
                red.stop()
        for size in [int(s) for s in args.memory_sizes.split(",") if s]:
            s = HookSession(args.build, work, peer, True, f"memory-{size}")
            try:
                r = s.run(size)
            finally:
                s.stop()
            memory.append({"records": size, "peak_rss_mb": r["peak_rss_mb"], "worker_peak_rss_mb": r["worker_peak_rss_mb"]})
            print(f"  memory {size:>10,}: integratord {r['peak_rss_mb']:.1f} MB, worker {r['worker_peak_rss_mb']:.1f} MB",
                  file=sys.stderr, flush=True)
    finally:
        peer.stop()
        shutil.rmtree(work, ignore_errors=True)

    def rate(name, size):
        return next((r["records_per_s"] for r in rows if r["scenario"] == name and r["records"] == size), None)

    print("\n| scenario | records | records/s | CPU s per 1M (integratord + workers) | workers' CPU s per 1M | vs nodered-fn |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        red = rate("nodered-fn", r["records"])
        vs = f"{r['records_per_s'] / red:.2f}×" if red else "—"
        wc = r.get("worker_cpu_s_per_million")
        print(f"| {r['scenario']} | {r['records']:,} | {r['records_per_s']:,.0f} | {r['cpu_s_per_million']:.2f} | "
              f"{'—' if wc is None else f'{wc:.2f}'} | {vs} |")
    for size in sizes:
        hook, plain = rate("int-script-hook", size), rate("int-mapping", size)
        if hook and plain:
            per_page_ms = (1 / hook - 1 / plain) * fb.PAGE * 1000
            print(f"\nper-page cost of the hook call at {size:,}: {per_page_ms:.2f} ms "
                  f"(wall per page: {fb.PAGE / hook * 1000:.2f} ms with the hook, {fb.PAGE / plain * 1000:.2f} ms with the mapping)")
    if memory:
        print("\n| records | integratord peak RSS MB | largest worker peak RSS MB |\n|---:|---:|---:|")
        for m in memory:
            print(f"| {m['records']:,} | {m['peak_rss_mb']:.1f} | {m['worker_peak_rss_mb']:.1f} |")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                       "hook-" + time.strftime("%Y-%m-%dT%H-%M-%SZ", time.gmtime()) + ".json")
    with open(out, "w") as f:
        json.dump({"rows": rows, "memory": memory}, f, indent=1)
    print(f"\n(results in {out})")


if __name__ == "__main__":
    main()
