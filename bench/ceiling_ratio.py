#!/usr/bin/env python3
"""Integrator page-batched against the ceiling, alternated run by run.

The quick check while working on issue 4's "≥ 0.7 of the ceiling" target:
each round runs the zero-work relay, then the int-batched flow of
bench/compare.py (output filter, 6-field mapping, batchSize 1000) on one
warmed-up integratord, as compare.py does, on the same source and sink, so
both see the same machine. Prints each round's
ratio and the median. compare.sh stays the figure of record.

--actor-threads 1,2 runs one integratord per value (its --actor-threads),
each round in turn, to compare scheduler sizes on the same machine state.

usage: ceiling_ratio.py BUILD_DIR [--size 1000000] [--rounds 5] [--actor-threads N[,N…]]
"""
import argparse, os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import flow_bench as fb  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--actor-threads", default="", help="comma-separated; default: integratord's")
    args = ap.parse_args()
    threads = [t for t in args.actor_threads.split(",") if t] or [None]
    work = tempfile.mkdtemp(prefix="ceiling-ratio-")
    peer = fb.Peer(args.build, work)
    sessions = {t: fb.Session(args.build, work, peer, "batched", output_filter=True,
                              settings={"INTEGRATOR_ACTOR_THREADS": t} if t else None)
                for t in threads}
    ratios = {t: [] for t in threads}
    label = lambda t: f"int-batched ({t} actor threads)" if t else "int-batched"
    print("| round | ceiling rec/s | relay CPU s per 1M | its source and sink CPU s per 1M | "
          + " | ".join(f"{label(t)} rec/s | ratio | CPU s per 1M | its source and sink CPU s per 1M" for t in threads)
          + " |\n|---:|---:|---:|---:|" + "---:|---:|---:|---:|" * len(threads))
    try:
        for i in range(args.rounds):
            relay = compare.run_ceiling(args.build, peer, args.size)
            ceiling = relay["records_per_s"]
            cells = [f"{relay['cpu_s_per_million']:.2f} | {relay['peer_cpu_s_per_million']:.2f}"]
            for t in threads:
                run = sessions[t].run(args.size)
                ratios[t].append(run["records_per_s"] / ceiling)
                cells.append(f"{run['records_per_s']:,.0f} | {ratios[t][-1]:.2f} | {run['cpu_s_per_million']:.2f} | "
                             f"{run['peer_cpu_s_per_million']:.2f}")
            print(f"| {i + 1} | {ceiling:,.0f} | " + " | ".join(cells) + " |", flush=True)
    finally:
        fb.stop_all(sessions.values(), peer, work)
    print()
    for t in threads:
        print(f"median ratio at {args.size:,} records, {label(t)}: {statistics.median(ratios[t]):.2f}")


if __name__ == "__main__":
    main()
