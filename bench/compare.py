#!/usr/bin/env python3
"""The flow comparison (issue 4): the ceiling, Integrator and Node-RED on the
same source, sink and records (pages of 1,000), measured in one run.

Scenarios
  ceiling          bench/relay: fetch each page, POST it unchanged (zero work)
  int-batched      Integrator: output filter keeping every record, 6-field
                   mapping, import batchSize 1000
  int-per-record   the same flow, one POST per record, concurrencyLevel 25
  nodered-fn|batch|record   ../shared/peers/nodered flows, started by its run.sh
The sink checks every record arrives exactly once; a run that loses or
duplicates one fails the whole comparison.

Throughput is the median of --repeats runs per size. Integrator and Node-RED
are treated alike: one long-lived process per scenario, warmed up by a
1,000-record run, each run timed from just before the call that starts it to
the moment the sink took its last record (the sink's own clock, so how often
the harness polls does not count); an Integrator run must also end with its
job completed. The ceiling is the relay's own time. The memory curve runs
int-batched once per size in a fresh integratord and reports its peak RSS.
"µs between pages" is the source's view (flow_peer's pageGapUs): the median
time from one page's answer being ready to the next page's request, what a
sequential pager spends between pages. Results go to
bench/results/compare-<date>.json and a PNG plot (gnuplot) beside it.

usage: compare.py BUILD_DIR [--quick] [--repeats 3] [--out-prefix PATH]
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flow_bench as fb  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NODERED_DIR = os.path.join(HERE, ".nodered")  # ignored by git
PEERS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "peers", "nodered"))

# Default sizes keep the whole comparison under 10 minutes on 2 cores: the
# slow peers run the larger sizes only when asked (--full).
DEFAULT_SIZES = {
    "ceiling": [10_000, 100_000, 1_000_000],
    "int-batched": [10_000, 100_000, 1_000_000],
    "int-per-record": [10_000, 100_000],
    "nodered-fn": [10_000, 100_000, 1_000_000],
    "nodered-batch": [10_000, 100_000],
    "nodered-record": [10_000, 100_000],
}
FULL_SIZES = [10_000, 100_000, 1_000_000]
MEMORY_SIZES = [100_000, 1_000_000, 10_000_000]


def wait_sink(peer, size, timeout):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        stats = fb.call("GET", peer.url + "/stats")
        if stats["received"] >= size:
            return stats
        time.sleep(0.01)
    sys.exit(f"sink incomplete after {timeout} s: {stats}")


def run_ceiling(build, peer, size):
    """The relay's own time from its first request to its last answer: its
    process start is left out, as Integrator's and Node-RED's are (they run
    warm), so the ceiling is the most it can be. Also the CPU seconds per
    million records of the relay (its whole process) and of the peer."""
    fb.call("POST", f"{peer.url}/reset?records={size}")
    peer_cpu0 = fb.proc_cpu_seconds(peer.proc.pid)
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([os.path.join(build, "bench", "relay"), peer.url + "/", peer.url + "/sink", "1000"],
                         check=True, capture_output=True, text=True).stdout
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    relay_cpu = (children1.ru_utime - children0.ru_utime) + (children1.ru_stime - children0.ru_stime)
    peer_cpu = fb.proc_cpu_seconds(peer.proc.pid) - peer_cpu0
    wall = float(out.split("seconds=")[1].split()[0])
    stats = fb.call("GET", peer.url + "/stats")
    if not stats["complete"]:
        sys.exit(f"FAILED ceiling {size}: {stats}")
    return {"wall_s": wall, "records_per_s": size / wall, "page_gap_us": stats["pageGapUs"],
            "cpu_s_per_million": relay_cpu * 1e6 / size, "peer_cpu_s_per_million": peer_cpu * 1e6 / size}


class NodeRed:
    def __init__(self, work):
        self.port = 18800 + os.getpid() % 1000
        self.log = open(os.path.join(work, "nodered.log"), "w")
        self.proc = subprocess.Popen(["bash", os.path.join(PEERS, "run.sh"), NODERED_DIR, str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        until = time.monotonic() + 600  # the first start installs node-red from npm
        while time.monotonic() < until:
            try:
                fb.call("GET", self.url + "/runstatus")
                return
            except Exception:
                if self.proc.poll() is not None:
                    sys.exit("Node-RED did not start; see " + self.log.name)
                time.sleep(0.5)
        sys.exit("Node-RED did not answer in time")

    def pid(self):
        out = subprocess.run(["pgrep", "-f", "-s", str(self.proc.pid), "red.js"], capture_output=True, text=True)
        return int(out.stdout.split()[0]) if out.stdout.strip() else self.proc.pid

    def run(self, peer, mode, size):
        fb.call("POST", f"{peer.url}/reset?records={size}")
        pid = self.pid()
        cpu0, peer_cpu0 = fb.proc_cpu_seconds(pid), fb.proc_cpu_seconds(peer.proc.pid)
        start = time.monotonic()
        req = urllib.request.Request(f"{self.url}/start?mode={mode}&size=1000&src={peer.url}&sink={peer.url}/sink",
                                     method="POST")
        urllib.request.urlopen(req, timeout=30).read()
        stats = wait_sink(peer, size, timeout=max(120, size / 500))
        wall = fb.sink_done_s(stats) - start
        if not stats["complete"]:
            sys.exit(f"FAILED nodered-{mode} {size}: {stats}")
        cpu = fb.proc_cpu_seconds(pid) - cpu0
        peer_cpu = fb.proc_cpu_seconds(peer.proc.pid) - peer_cpu0
        return {"wall_s": wall, "records_per_s": size / wall, "cpu_s_per_million": cpu * 1e6 / size,
                "peak_rss_mb": fb.proc_peak_rss_mb(pid), "page_gap_us": stats["pageGapUs"],
                "peer_cpu_s_per_million": peer_cpu * 1e6 / size}

    def stop(self):
        os.killpg(self.proc.pid, 15)
        self.proc.wait()


def median_row(name, size, runs):
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"  {name:<15} {size:>10,}: {med['records_per_s']:>10,.0f} rec/s", file=sys.stderr, flush=True)
    return {"scenario": name, "records": size, "runs": runs, **med}


def plot(rows, memory, png):
    if not shutil.which("gnuplot"):
        print("gnuplot not found: no plot", file=sys.stderr)
        return
    data = png[:-4] + ".dat"
    with open(data, "w") as f:
        for name in DEFAULT_SIZES:
            pts = [r for r in rows if r["scenario"] == name]
            f.write(f'"{name}"\n')
            for r in pts:
                f.write(f"{r['records']} {r['records_per_s']}\n")
            f.write("\n\n")
        f.write('"int-batched peak RSS"\n')
        for r in memory:
            f.write(f"{r['records']} {r['peak_rss_mb']}\n")
    n = len(DEFAULT_SIZES)
    memory_panel = f"""
unset logscale y
set yrange [0:*]
set ylabel 'MB'
set title 'integratord peak RSS, page-batched flow'
plot '{data}' index {n} using 1:2 with linespoints title columnheader(1)
""" if memory else ""
    script = f"""
set terminal pngcairo size 1200,500
set output '{png}'
set multiplot layout 1,{2 if memory else 1}
set logscale x
set logscale y
set xlabel 'records'
set ylabel 'records/s'
set key left top
set title 'Throughput (pages of 1,000)'
plot for [i=0:{n - 1}] '{data}' index i using 1:2 with linespoints title columnheader(1)
{memory_panel}
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True, stderr=subprocess.DEVNULL)
    os.remove(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="every scenario at 10k, 100k and 1M")
    ap.add_argument("--quick", action="store_true", help="10k only, one run, no memory curve (a smoke test)")
    ap.add_argument("--skip-nodered", action="store_true")
    ap.add_argument("--out-prefix", default=os.path.join(HERE, "results", "compare-" + time.strftime("%Y-%m-%dT%H-%M-%SZ", time.gmtime())))
    args = ap.parse_args()
    sizes = {k: ([10_000] if args.quick else FULL_SIZES if args.full else v) for k, v in DEFAULT_SIZES.items()}
    repeats = 1 if args.quick else args.repeats
    work = tempfile.mkdtemp(prefix="compare-")
    peer = fb.Peer(args.build, work)
    rows, memory = [], []
    started = time.monotonic()
    try:
        for size in sizes["ceiling"]:
            rows.append(median_row("ceiling", size, [run_ceiling(args.build, peer, size) for _ in range(repeats)]))
        for name, scenario in (("int-batched", "batched"), ("int-per-record", "per-record")):
            session = fb.Session(args.build, work, peer, scenario, output_filter=True)
            try:
                for size in sizes[name]:
                    rows.append(median_row(name, size, [session.run(size) for _ in range(repeats)]))
            finally:
                session.stop()
        if not args.skip_nodered:
            red = NodeRed(work)
            try:
                for mode in ("fn", "batch", "record"):
                    name = "nodered-" + mode
                    red.run(peer, mode, 1000)  # warm-up: JIT and connections
                    for size in sizes[name]:
                        rows.append(median_row(name, size, [red.run(peer, mode, size) for _ in range(repeats)]))
            finally:
                red.stop()
        if not args.quick:
            for size in MEMORY_SIZES:
                run = fb.one_run(args.build, work, peer, "batched", size, 0, output_filter=True)
                memory.append({"records": size, **run})
                print(f"  memory int-batched {size:>10,}: {run['peak_rss_mb']:.1f} MB", file=sys.stderr, flush=True)
    finally:
        peer.stop()
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started

    def rate(name, size):
        for r in rows:
            if r["scenario"] == name and r["records"] == size:
                return r["records_per_s"]
        return None

    print(f"\n| scenario | records | records/s | CPU s per 1M | source and sink CPU s per 1M | peak RSS MB | µs between pages | vs ceiling |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ceil = rate("ceiling", r["records"])
        cpu = f"{r['cpu_s_per_million']:.1f}" if "cpu_s_per_million" in r else ""
        peer_cpu = f"{r['peer_cpu_s_per_million']:.2f}" if "peer_cpu_s_per_million" in r else ""
        rss = f"{r['peak_rss_mb']:.1f}" if "peak_rss_mb" in r else ""
        gap = f"{r['page_gap_us']:.0f}" if "page_gap_us" in r else ""
        print(f"| {r['scenario']} | {r['records']:,} | {r['records_per_s']:,.0f} | {cpu} | {peer_cpu} | {rss} | {gap} | "
              f"{r['records_per_s'] / ceil:.2f} |" if ceil else "|")
    if memory:
        print("\n| int-batched | " + " | ".join(f"{m['records']:,}" for m in memory) + " |")
        print("|---|" + "---:|" * len(memory))
        print("| peak RSS MB | " + " | ".join(f"{m['peak_rss_mb']:.1f}" for m in memory) + " |")
    targets = []
    for size in sorted({r["records"] for r in rows}):
        b, fn, ceil = rate("int-batched", size), rate("nodered-fn", size), rate("ceiling", size)
        p, rec = rate("int-per-record", size), rate("nodered-record", size)
        if b and fn:
            targets.append(f"{size:,}: batched / nodered-fn = {b / fn:.1f}x (target >= 10)")
        if b and ceil:
            targets.append(f"{size:,}: batched / ceiling = {b / ceil:.2f} (target >= 0.7)")
        if p and rec:
            targets.append(f"{size:,}: per-record / nodered-record = {p / rec:.1f}x (target >= 15)")
    if len(memory) >= 2:
        targets.append(f"peak RSS {memory[-1]['records']:,} / {memory[0]['records']:,} = "
                       f"{memory[-1]['peak_rss_mb'] / memory[0]['peak_rss_mb']:.2f} (target <= 1.1)")
    print("\nTargets:\n  " + "\n  ".join(targets))
    print(f"\n(whole comparison: {elapsed / 60:.1f} min)")
    os.makedirs(os.path.dirname(args.out_prefix), exist_ok=True)
    with open(args.out_prefix + ".json", "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "repeats": repeats,
                   "rows": rows, "memory": memory, "targets": targets, "elapsed_s": elapsed}, f, indent=1)
    plot(rows, memory, args.out_prefix + ".png")


if __name__ == "__main__":
    main()
