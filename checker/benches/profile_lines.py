#!/usr/bin/env python3
"""Cost per source line of one function, inlined code charged to its call site.

    profile_lines.py CALLGRIND BINARY FUNCTION [--inner PATH_PART] [--top N]

CALLGRIND is a profile written by `valgrind --tool=callgrind --dump-instr=yes
--compress-pos=no --compress-strings=no` (`just profile-lines` makes one).
FUNCTION is a demangled name as callgrind prints it (`fn=` lines), for
example `weft_checker::reduce::persistent::analyse`.

A flat profile charges an inlined call (a `SmallVec` push, an iterator
adapter, a small helper of ours) to the file the inlined code comes from,
so the lines of FUNCTION that cost most do not show. Here every
instruction of FUNCTION (its own, and the inclusive cost of each call it
makes) is looked up with `addr2line -i` and charged to the outermost frame
of the inline chain: the line of FUNCTION's own source that led to it.
With `--inner PATH_PART`, it is charged instead to the innermost frame
whose file contains PATH_PART (to look inside an inlined helper).
"""
import argparse
import collections
import subprocess


def costs(callgrind, function):
    """Instruction address -> cost, for the blocks of `function`."""
    out = collections.Counter()
    inside = False
    for line in open(callgrind, encoding="utf-8", errors="replace"):
        if line.startswith("fn="):
            inside = line[3:].strip() == function
        elif inside and line.startswith("0x"):
            parts = line.split()
            if len(parts) >= 3:
                # A call's line after `calls=` carries its inclusive cost.
                out[int(parts[0], 16)] += int(parts[2])
    return out


def chains(binary, addresses):
    """Address -> inline chain [(function, file:line)], innermost first."""
    result = {}
    batch = 2000
    for i in range(0, len(addresses), batch):
        part = addresses[i:i + batch]
        text = subprocess.run(
            ["addr2line", "-a", "-i", "-f", "-C", "-e", binary] + [hex(a) for a in part],
            capture_output=True, text=True, check=True).stdout.splitlines()
        at, current = 0, None
        while at < len(text):
            if text[at].startswith("0x"):
                current = int(text[at], 16)
                result[current] = []
                at += 1
            else:
                where = text[at + 1] if at + 1 < len(text) else "?"
                result[current].append((text[at], where.split(" (")[0]))
                at += 2
    return result


def source_line(where):
    path, _, number = where.rpartition(":")
    try:
        with open(path, encoding="utf-8") as f:
            for k, text in enumerate(f, 1):
                if k == int(number):
                    return text.strip()
    except (OSError, ValueError):
        pass
    return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("callgrind")
    ap.add_argument("binary")
    ap.add_argument("function")
    ap.add_argument("--inner", default=None)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    cost = costs(args.callgrind, args.function)
    if not cost:
        raise SystemExit(f"no instructions of {args.function!r} in {args.callgrind}")
    by_line = collections.Counter()
    for address, chain in chains(args.binary, sorted(cost)).items():
        if not chain:
            continue
        if args.inner:
            pick = next((w for _, w in chain if args.inner in w), chain[-1][1])
        else:
            pick = chain[-1][1]
        by_line[pick] += cost[address]
    total = sum(by_line.values())
    for where, c in by_line.most_common(args.top):
        name = where.rsplit("/", 1)[-1]
        print(f"{c:>14,} {100 * c / total:5.1f}%  {name:<24} {source_line(where)[:90]}")
    print(f"{total:>14,} in {args.function}")


if __name__ == "__main__":
    main()
