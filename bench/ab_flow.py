#!/usr/bin/env python3
"""Two builds of integratord on the same flow, alternated run by run.

An A/B for an engine change: each build runs one warmed-up integratord (as
bench/compare.py runs Integrator) with the comparison's filtered flow, both
on one flow_peer (the first build's), and the rounds alternate A, B, A, B…
so both see the same machine. Prints each round and the medians of
records/s and integratord's CPU seconds per million records, and the
flow_peer's (the first build's) CPU seconds per million records.

usage: ab_flow.py BUILD_A BUILD_B [--scenario batched|per-record]
                  [--size 1000000] [--rounds 6] [--env-b KEY=VALUE]…
(a build dir holds integratord and bench/; e.g. a git worktree's build/;
--env-b sets integratord settings for B only, e.g. INTEGRATOR_OUTBOUND_THREADS=1,
so one build against itself compares settings)
"""
import argparse, os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flow_bench as fb  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_a")
    ap.add_argument("build_b")
    ap.add_argument("--scenario", default="batched", choices=["batched", "per-record"])
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--env-b", action="append", default=[], help="KEY=VALUE for B's integratord")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ab-flow-")
    peer = fb.Peer(args.build_a, work)
    builds = {"A": args.build_a, "B": args.build_b}
    settings_b = dict(kv.split("=", 1) for kv in args.env_b)
    sessions = {"A": fb.Session(args.build_a, work, peer, args.scenario, output_filter=True),
                "B": fb.Session(args.build_b, work, peer, args.scenario, output_filter=True,
                                settings=settings_b)}
    rate = {name: [] for name in builds}
    cpu = {name: [] for name in builds}
    gap = {name: [] for name in builds}
    peer_cpu = {name: [] for name in builds}
    print("| round | A rec/s | A CPU s per 1M | A µs between pages | B rec/s | B CPU s per 1M | B µs between pages |\n"
          "|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for i in range(args.rounds):
            for name, s in sessions.items():
                run = s.run(args.size)
                rate[name].append(run["records_per_s"])
                cpu[name].append(run["cpu_s_per_million"])
                gap[name].append(run["page_gap_us"])
                peer_cpu[name].append(run["peer_cpu_s_per_million"])
            print(f"| {i + 1} | {rate['A'][-1]:,.0f} | {cpu['A'][-1]:.2f} | {gap['A'][-1]} | {rate['B'][-1]:,.0f} | "
                  f"{cpu['B'][-1]:.2f} | {gap['B'][-1]} |", flush=True)
    finally:
        fb.stop_all(sessions.values(), peer, work)
    print()
    for name, path in builds.items():
        print(f"{name} ({path}): median {statistics.median(rate[name]):,.0f} records/s, "
              f"{statistics.median(cpu[name]):.2f} CPU s per 1M, {statistics.median(gap[name]):.0f} µs between pages; "
              f"the source and sink (flow_peer): {statistics.median(peer_cpu[name]):.2f} CPU s per 1M")


if __name__ == "__main__":
    main()
