#!/usr/bin/env python3
"""Where the milliseconds of one small run go: a warmed-up integratord
(bench/flow_bench.py's Session, int-batched) runs N records several times,
and each line puts on one clock (time.monotonic, ms from just before
POST /run): the POST's answer, the job's createdAt, startedAt and endedAt
(server wall clock, converted), when the source was asked for the first
page and when the sink took the first and last record (the peer's own
monotonic clock) and when a 5 ms poll saw the job over.

usage: run_timeline.py BUILD_DIR [--size 10000] [--runs 6]
"""
import datetime, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flow_bench as fb  # noqa: E402


def wall_ms(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def main():
    args = fb.single_build_args(10_000, 6, "--runs")
    work, peer, session = fb.comparison_session(args.build, "run-timeline-")
    print("| POST answered | created | started | first page asked | first at sink | last at sink | ended | seen over |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for _ in range(args.runs):
            fb.call("POST", f"{peer.url}/reset?records={args.size}")
            m0, w0 = time.monotonic() * 1000, time.time() * 1000
            job = session.node.api("POST", f"/flows/{session.flow}/run")["_jobId"]
            posted = time.monotonic() * 1000 - m0
            while True:
                j = session.node.api("GET", "/jobs/" + job)
                if j["status"] in ("completed", "failed", "canceled"):
                    break
                time.sleep(0.005)
            seen = time.monotonic() * 1000 - m0
            stats = fb.call("GET", peer.url + "/stats")
            server = [wall_ms(j[k]) - w0 for k in ("createdAt", "startedAt", "endedAt")]
            asked = stats["firstPageUs"] / 1000 - m0
            first, last = stats["firstUs"] / 1000 - m0, stats["lastUs"] / 1000 - m0
            cells = [posted, server[0], server[1], asked, first, last, server[2], seen]
            print("| " + " | ".join(f"{c:.1f}" for c in cells) + " |", flush=True)
    finally:
        fb.stop_all([session], peer, work)
    print("\n(ms; server times have 1 ms resolution)")


if __name__ == "__main__":
    main()
