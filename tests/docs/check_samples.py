#!/usr/bin/python3
"""Fails when a ```cpp block of a Markdown file is not found, line for line,
in one of the compiled sources: a sample no build checks.

  check_samples.py --docs A.md B.md [--filtered C.md --filter TEXT] --sources X.cpp Y.hpp

Lines are compared without their leading and trailing spaces. Every block of
--docs is checked; of --filtered, only blocks containing TEXT (README.md has
samples of other parts that this check does not cover yet).
"""
import argparse
import re
import sys


def stripped(lines):
    return [line.strip() for line in lines]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", nargs="+", required=True)
    parser.add_argument("--sources", nargs="+", required=True)
    parser.add_argument("--filtered", nargs="*", default=[])
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    haystack = []
    for source in args.sources:
        with open(source, encoding="utf-8") as f:
            haystack.append(stripped(f.read().splitlines()))
    checked, missing = 0, 0
    for doc in args.docs + args.filtered:
        with open(doc, encoding="utf-8") as f:
            text = f.read()
        for block in re.findall(r"^```cpp\n(.*?)^```$", text, flags=re.S | re.M):
            if doc in args.filtered and args.filter not in block:
                continue
            checked += 1
            wanted = stripped(block.rstrip("\n").splitlines())
            found = any(source[i:i + len(wanted)] == wanted
                        for source in haystack for i in range(len(source) - len(wanted) + 1))
            if not found:
                missing += 1
                print(f"{doc}: this sample is in none of the compiled sources, so no build checks it:\n{block}")
    if missing:
        sys.exit(f"{missing} of {checked} samples are not compiled: copy them into {args.sources[0]}")
    print(f"{checked} samples found word for word in the compiled sources")


if __name__ == "__main__":
    main()
