#!/bin/sh
# bench/run.sh: build weft, the baselines and the runtime test binary into a
# temporary directory, then run the benchmark suite's driver on them.
# Every argument goes to the driver (bench/cmd/weftbench), e.g.
#   bench/run.sh                       # every row, 6 rounds
#   bench/run.sh -rounds 10 -rows 1,2  # rows 1 and 2, 10 rounds
#   bench/run.sh -json /tmp/bench.json
# It measures the tree it is run in; run it from anywhere inside the module.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d "${TMPDIR:-/tmp}/weftbench.XXXXXX")
trap 'rm -rf "$bin"' EXIT INT TERM
cd "$root"
echo "building into $bin ($(git -C "$root" describe --always --dirty 2>/dev/null || echo 'not a git tree'))" >&2
go build -o "$bin/" ./cmd/weft ./bench/cmd/plain ./bench/cmd/kinload ./bench/cmd/weftconc ./bench/cmd/rusage ./bench/cmd/weftbench
go test -c -o "$bin/runtime.test" ./runtime
"$bin/weftbench" -bin "$bin" -root "$root" "$@"
