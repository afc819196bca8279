#!/usr/bin/env python3
"""Integrator page-batched against the ceiling, alternated run by run.

The quick check while working on issue 4's "≥ 0.7 of the ceiling" target:
each round runs the zero-work relay, then the int-batched flow of
bench/compare.py (output filter, 6-field mapping, batchSize 1000) on one
warmed-up integratord, as compare.py does, on the same source and sink, so
both see the same machine. Prints each round's
ratio and the median. compare.sh stays the figure of record.

usage: ceiling_ratio.py BUILD_DIR [--size 1000000] [--rounds 5]
"""
import argparse, os, shutil, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import flow_bench as fb  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ceiling-ratio-")
    peer = fb.Peer(args.build, work)
    ratios = []
    session = fb.Session(args.build, work, peer, "batched", output_filter=True)
    print(f"| round | ceiling rec/s | int-batched rec/s | ratio | CPU s per 1M |\n|---:|---:|---:|---:|---:|")
    try:
        for i in range(args.rounds):
            ceiling = compare.run_ceiling(args.build, peer, args.size)["records_per_s"]
            run = session.run(args.size)
            ratios.append(run["records_per_s"] / ceiling)
            print(f"| {i + 1} | {ceiling:,.0f} | {run['records_per_s']:,.0f} | {ratios[-1]:.2f} | "
                  f"{run['cpu_s_per_million']:.2f} |", flush=True)
    finally:
        session.stop()
        peer.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nmedian ratio at {args.size:,} records: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
