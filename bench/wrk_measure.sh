# Sourced by the API benchmarks (bench/api_bench.sh, bench/cluster/
# store_bench.sh): one wrk run and the server's CPU over it. Needs $work
# (a scratch folder) and $duration (seconds per run).

# Clock ticks (user+sys) of every thread of process $1.
cpu_ticks() { cat /proc/"$1"/task/*/stat 2>/dev/null | awk '{t += $14 + $15} END {print t}'; }

# One wrk run against server process $1 → "rps p50_ms p99_ms cpu_us_per_request".
measure() {
  local pid=$1 url=$2; shift 2
  local before after
  before=$(cpu_ticks "$pid")
  wrk -t2 -c50 -d"${duration}s" --latency "$@" "$url" >"$work/wrk.out"
  after=$(cpu_ticks "$pid")
  python3 - "$work/wrk.out" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
cpu_s = int(sys.argv[2]) / int(sys.argv[3])
def ms(v):
    n, unit = float(re.match(r"([\d.]+)", v).group(1)), re.sub(r"[\d.]+", "", v)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit("non-2xx responses: " + errors.group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {cpu_s * 1e6 / requests:.1f}")
PY
}

