#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need first (bubblewrap for the code sandbox, Open MPI
# for the 2-rank data-parallel tests),
# so a fresh Debian machine needs nothing done by hand. Extra arguments go to `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing bubblewrap (code sandbox)..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap) >/dev/null 2>&1 \
      || echo "warning: could not install bubblewrap; sandbox tests will fail" >&2
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get install -y bubblewrap || echo "warning: could not install bubblewrap" >&2
  fi
fi

if ! command -v mpirun >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Open MPI (data-parallel tests)..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin libopenmpi-dev) >/dev/null 2>&1 \
      || echo "warning: could not install Open MPI; the mpirun tests will fail" >&2
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get install -y openmpi-bin libopenmpi-dev || echo "warning: could not install Open MPI" >&2
  fi
fi

# The test host runs with the native allocator and OpenMP settings `r1` gives itself (NativeRuntimeTuning: a fresh
# memory page is expensive on VMs like this one); a value already in the environment wins.
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

log=$(mktemp)
dotnet test R1Sharp.slnx -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One closing line for the whole solution, summed over the test projects' summaries.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed"
exit "$status"
