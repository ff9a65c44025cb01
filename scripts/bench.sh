#!/usr/bin/env bash
# Times the orgc commands on generated orgs and prints one Markdown table.
#
#   scripts/bench.sh                      # 500, 1,000, 5,000 and 10,000 accounts, 5 runs each
#   SIZES="500 5000" RUNS=3 scripts/bench.sh
#   COMMANDS="validate compile" scripts/bench.sh   # only these commands
#   GEN_FLAGS=--mesh-prod WORK=target/bench-mesh scripts/bench.sh   # production meshed
#   SETTLE=0 scripts/bench.sh             # no pause after removing trees (see SETTLE below)
#
# Builds the release binary and the generator, generates each org (seed $SEED) and a
# second version of it in which 1% of the assignment blocks differ (for `diff`), then
# runs every command the binary has (`orgc help` decides: validate; compile over its
# own previous output, over the output of the other version, into an empty directory,
# and with --check; audit network/access --format json; diff) $RUNS times. Reports the
# median and range of the wall-clock time, the peak resident memory of the slowest
# run (GNU time's "Maximum resident set size"), and the growth of the median from
# the smallest org. Needs GNU time at /usr/bin/time (`apt-get install -y time`).
set -euo pipefail

SIZES=${SIZES:-"500 1000 5000 10000"}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
# Extra generator flags, e.g. GEN_FLAGS=--mesh-prod (production meshed through the
# inspection appliance: a network audit that grows with the square of prod accounts).
GEN_FLAGS=${GEN_FLAGS:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-"$ROOT/target/bench"}

if [ ! -x /usr/bin/time ]; then
    echo "bench.sh: GNU time is missing: apt-get install -y time" >&2
    exit 2
fi

cd "$ROOT"
# Two builds: built together, the binary would get the features the example's
# dev-dependencies enable in shared crates, and differ from the one users build.
cargo build --release --quiet --bin orgc
cargo build --release --quiet --example gen-org
ORGC="$ROOT/target/release/orgc"
GEN="$ROOT/target/release/examples/gen-org"

# Which commands does this binary have?
HELP=$("$ORGC" help 2>&1 || true)
has() { printf '%s\n' "$HELP" | grep -Eq "^  $1( |$)"; }
AUDIT_HELP=""
if has audit; then AUDIT_HELP=$("$ORGC" help audit 2>&1 || true); fi
has_audit() { printf '%s\n' "$AUDIT_HELP" | grep -Eq "^  $1( |$)"; }

mkdir -p "$WORK"
# Seconds to leave the disk alone after removing fresh trees, before the next fresh
# compiles are measured: ext4 passes over inodes freed in the last five minutes when it
# allocates (`recently_deleted`), which makes creating files several times slower
# meanwhile.
SETTLE=${SETTLE:-420}

# When trees were last removed, in seconds since the epoch: kept in a file, so that
# a run started right after another one (interrupted or not) waits as well.
REMOVED_AT="$WORK/fresh-removed-at"

# remove_fresh SIZE...: removes the fresh compiles' trees of those sizes (a few GB at
# 10,000 accounts) and notes when.
remove_fresh() {
    local n
    for n in "$@"; do
        if compgen -G "$WORK/org-$n/fresh.*" >/dev/null; then
            rm -rf "$WORK/org-$n"/fresh.*
            date +%s >"$REMOVED_AT"
        fi
    done
}

# settle: waits until SETTLE seconds have passed since trees were last removed.
settle() {
    [ -f "$REMOVED_AT" ] || return 0
    local left=$((SETTLE - ($(date +%s) - $(cat "$REMOVED_AT"))))
    if [ "$left" -gt 0 ]; then
        sync
        sleep "$left"
    fi
}

# Removed after each size's commands (see the end of the loop), and however the
# script ends. Trees an interrupted run left behind are removed before anything is
# measured.
trap 'remove_fresh $SIZES' EXIT
remove_fresh $SIZES

# run_one NAME CMD...: runs the command, appends "wall_ms rss_kib cpu_ms" to $WORK/NAME.times.
run_one() {
    local name=$1
    shift
    local start end status
    start=$(date +%s%N)
    set +e
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"
    status=$?
    set -e
    end=$(date +%s%N)
    # `diff` exits 1 when it finds changes (it always does here); anything else failed.
    if [ "$status" -ne 0 ] && ! { [ "$name" = diff ] && [ "$status" -eq 1 ]; }; then
        echo "bench.sh: \`$*\` exited $status:" >&2
        head -n 30 "$WORK/stderr.txt" >&2
        exit 1
    fi
    local rss cpu
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%d", s * 1000}' "$WORK/time.txt")
    echo "$(( (end - start) / 1000000 )) $rss $cpu" >>"$WORK/$name.times"
}

# summary: median, min, max of the wall times (ms), the largest RSS (KiB), and the
# median CPU time (user + system, ms).
summary() {
    local cpu
    cpu=$(awk '{print $3}' "$1" | sort -n | awk '{ c[NR] = $1 }
        END { n = NR; printf "%d", (n % 2) ? c[(n + 1) / 2] : (c[n / 2] + c[n / 2 + 1]) / 2 }')
    sort -n "$1" | awk -v cpu="$cpu" '{ t[NR] = $1; if ($2 > m) m = $2 }
        END { n = NR; med = (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2;
              printf "%d %d %d %d %d\n", med, t[1], t[n], m, cpu }'
}

declare -A BASE
ROWS=()
for n in $SIZES; do
    dir="$WORK/org-$n"
    "$GEN" --accounts "$n" --seed "$SEED" --out "$dir/base/org" $GEN_FLAGS
    "$GEN" --accounts "$n" --seed "$SEED" --out "$dir/changed/org" --change-assignments 1 $GEN_FLAGS
    cmds=(validate compile compile-changed compile-fresh compile-check)
    has_audit network && cmds+=("audit-network")
    has_audit access && cmds+=("audit-access")
    has diff && cmds+=(diff)
    if [ -n "${COMMANDS:-}" ]; then
        read -r -a cmds <<<"$COMMANDS"
    fi
    # Each size's commands start from the same disk: neither slowed by the trees of
    # the runs before them, nor by their removal. Trees left to pile up made later
    # fresh compiles slower (at 5,000 accounts, 1.9-2.3 s for the first twelve, up to
    # 3.4 s after; free memory fell to 4.5 GB), whether through the page cache or
    # the inode allocator we did not establish.
    settle
    for c in "${cmds[@]}"; do
        rm -f "$WORK/$c.times"
        case $c in
            # Each starts from the output of the base org, written outside the
            # measurement.
            compile | compile-changed | compile-check)
                "$ORGC" compile "$dir/base/org" --out "$dir/out" --quiet ;;
        esac
        for i in $(seq "$RUNS"); do
            # What the previous run (or command) wrote is still being written back to
            # disk, and what it deleted freed; a run measured meanwhile shares the
            # machine with the kernel doing it (a fresh compile at 5,000 accounts:
            # 2.0 s after a flush, 3.1 s right after the previous one). Flushed first,
            # outside the measurement, as on a machine where the last compile was not
            # a moment ago.
            sync
            case $c in
                validate) run_one "$c" "$ORGC" validate "$dir/base/org" --quiet ;;
                compile)
                    # Recompiling over its own previous output, as after a save that
                    # changes no output: the tree is compared and left as it is.
                    run_one "$c" "$ORGC" compile "$dir/base/org" --out "$dir/out" --quiet ;;
                compile-changed)
                    # Over the output of the other version (1% of the assignment blocks
                    # differ), as after a save that changes the output: every run
                    # replaces the tree.
                    side=base
                    if [ $((i % 2)) -eq 1 ]; then side=changed; fi
                    run_one "$c" "$ORGC" compile "$dir/$side/org" --out "$dir/out" --quiet ;;
                compile-check)
                    # What CI runs over a committed out/: compare, write nothing.
                    run_one "$c" "$ORGC" compile "$dir/base/org" --out "$dir/out" --check --quiet ;;
                compile-fresh)
                    # Into a directory that does not exist yet, as on a fresh clone. Each
                    # run writes its own, kept until the size's commands are done: a
                    # tree removed between runs would slow the next run's allocation
                    # (see SETTLE).
                    fresh=$(mktemp -u "$dir/fresh.XXXXXX")
                    run_one "$c" "$ORGC" compile "$dir/base/org" --out "$fresh" --quiet ;;
                audit-network) run_one "$c" "$ORGC" audit network "$dir/base/org" --format json ;;
                audit-access) run_one "$c" "$ORGC" audit access "$dir/base/org" --format json ;;
                diff) run_one "$c" "$ORGC" diff "$dir/base/org" "$dir/changed/org" --format json ;;
            esac
        done
        read -r med lo hi rss cpu < <(summary "$WORK/$c.times")
        if [ -z "${BASE[$c]:-}" ]; then BASE[$c]="$n $med"; fi
        read -r n0 m0 <<<"${BASE[$c]}"
        growth=$(awk -v n="$n" -v n0="$n0" -v m="$med" -v m0="$m0" 'BEGIN {
            if (n == n0 || m0 == 0) { print "1.0× (base)"; exit }
            printf "%.1f× (n log n: %.1f×)", m / m0, (n * log(n)) / (n0 * log(n0)) }')
        ROWS+=("$(awk -v c="$c" -v n="$n" -v med="$med" -v lo="$lo" -v hi="$hi" -v rss="$rss" -v cpu="$cpu" -v g="$growth" 'BEGIN {
            printf "| %s | %d | %.2f | %.2f–%.2f | %.2f | %d | %s |", c, n, med / 1000, lo / 1000, hi / 1000, cpu / 1000, rss / 1024, g }')")
    done
    remove_fresh "$n"
done

echo
echo "| command | accounts | median (s) | range (s) | CPU, median (s) | peak RSS (MiB) | growth from ${SIZES%% *} accounts |"
echo "|---|---:|---:|---:|---:|---:|---|"
for r in "${ROWS[@]}"; do echo "$r"; done
echo
echo "$RUNS runs each; $(nproc) cores; $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); $(free -h | awk '/Mem:/ {print $2}') memory."
