"""Peer timing for `dotnet run --project bench/R1Sharp.Bench -- reward-scoring`.

A re-statement of the formulas of open-r1's rule-based rewards (format_reward, tag_count_reward,
repetition_penalty_reward for English, cosine_scaled_reward's length schedule), written here because open-r1
itself cannot be installed on this machine (no PyPI). It times the same texts the C# side scores and prints
one JSON line per reward: {"name": ..., "per_second": ..., "mean": ...}.

Usage: python3 open_r1_peer.py TEXTS.json REPEATS
"""
import json
import math
import re
import sys
import time

FORMAT = re.compile(r"^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$", re.DOTALL | re.MULTILINE)


def format_reward(text):
    return 1.0 if FORMAT.match(text) else 0.0


def tag_count(text):
    score = 0.0
    for tag in ("<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>"):
        if text.count(tag) == 1:
            score += 0.25
    return score


def repetition(text, n=3, max_penalty=-1.0):
    words = text.lower().split()
    if len(words) < n:
        return 0.0
    grams = list(zip(*[words[i:] for i in range(n)]))
    return (1 - len(set(grams)) / len(grams)) * max_penalty


def cosine(text, correct=True, max_len=1000):
    c = math.cos(len(text) / max_len * math.pi) if len(text) < max_len else -1.0
    lo, hi = (0.5, 1.0) if correct else (-0.5, -1.0)
    return lo + 0.5 * (hi - lo) * (1.0 + c)


def main():
    texts = json.load(open(sys.argv[1], encoding="utf-8"))
    repeats = int(sys.argv[2])
    for name, fn in (("format", format_reward), ("tag_count", tag_count), ("repetition", repetition), ("cosine", cosine)):
        start = time.perf_counter()
        total = 0.0
        for _ in range(repeats):
            for t in texts:
                total += fn(t)
        elapsed = time.perf_counter() - start
        print(json.dumps({"name": name, "per_second": repeats * len(texts) / elapsed, "mean": total / (repeats * len(texts))}))


if __name__ == "__main__":
    main()
