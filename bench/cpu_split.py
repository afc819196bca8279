#!/usr/bin/env python3
"""Where the CPU goes while a flow runs, thread by thread, and how busy the
machine is: a warmed-up integratord (bench/flow_bench.py's Session, the
comparison's filtered int-batched flow) runs N records R times. For the
threads of integratord and of flow_peer (grouped by thread name), user and
system CPU seconds per million records; for the whole machine, the shares
of busy, idle and steal time over each run (/proc/stat). Medians over the
rounds.

usage: cpu_split.py BUILD_DIR [--size 1000000] [--rounds 5]
"""
import collections, glob, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flow_bench as fb  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
# CAF 0.17's scheduler workers name themselves caf.multiplexer
# (caf/scheduler/worker.hpp); integratord runs one by default.
ROLES = {"caf.multiplexer": "actors (CAF scheduler worker)", "outbound": "outbound HTTP (curl loops)",
         "http": "API frontend (Beast)", "integratord": "main and other", "flow_peer": "source and sink"}


def thread_cpu(pid):
    """(process, thread name) -> [user s, system s, threads], summed over its threads."""
    out = collections.defaultdict(lambda: [0.0, 0.0, 0])
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            text = open(task + "/stat").read()
        except OSError:
            continue  # the thread ended
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        row = out[name]
        row[0] += int(fields[11]) / TICK
        row[1] += int(fields[12]) / TICK
        row[2] += 1
    return out


def machine_ticks():
    """user, nice, system, idle, iowait, irq, softirq, steal."""
    return [int(x) for x in open("/proc/stat").readline().split()[1:9]]


def main():
    args = fb.single_build_args(1_000_000, 5)
    work, peer, session = fb.comparison_session(args.build, "cpu-split-")
    procs = {"integratord": session.node.proc.pid, "flow_peer": peer.proc.pid}
    per_thread = collections.defaultdict(lambda: ([], []))  # (process, name) -> (user, system) per 1M
    threads = {}
    machine = collections.defaultdict(list)
    rates = []
    try:
        for _ in range(args.rounds):
            before = {p: thread_cpu(pid) for p, pid in procs.items()}
            m0 = machine_ticks()
            run = session.run(args.size)
            m1 = machine_ticks()
            after = {p: thread_cpu(pid) for p, pid in procs.items()}
            rates.append(run["records_per_s"])
            for p in procs:
                for name, (user, system, count) in after[p].items():
                    u0, s0, _ = before[p].get(name, (0.0, 0.0, 0))
                    per_thread[(p, name)][0].append((user - u0) * 1e6 / args.size)
                    per_thread[(p, name)][1].append((system - s0) * 1e6 / args.size)
                    threads[(p, name)] = count
            d = [b - a for a, b in zip(m0, m1)]
            total = sum(d) or 1
            machine["busy"].append((d[0] + d[1] + d[2] + d[5] + d[6]) / total)
            machine["idle"].append((d[3] + d[4]) / total)
            machine["steal"].append(d[7] / total)
    finally:
        fb.stop_all([session], peer, work)
    print(f"{args.size:,} records, {args.rounds} rounds: median {statistics.median(rates):,.0f} records/s\n")
    print("| process | threads | what | user s per 1M | system s per 1M |\n|---|---|---|---:|---:|")
    rows = sorted(per_thread.items(), key=lambda kv: -statistics.median(
        [u + s for u, s in zip(*kv[1])]))
    for (p, name), (user, system) in rows:
        u, s = statistics.median(user), statistics.median(system)
        if u + s >= 0.005:
            print(f"| {p} | {name} ×{threads[(p, name)]} | {ROLES.get(name, '')} | {u:.2f} | {s:.2f} |")
    print("\nthe machine over the runs (all of its cores): "
          + ", ".join(f"{k} {statistics.median(v) * 100:.0f} %" for k, v in machine.items()))


if __name__ == "__main__":
    main()
