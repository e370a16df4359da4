#!/usr/bin/python3
"""Writes a header dump of N real-shaped Authentication-Results fields.

Usage: make-fields.py N OUTPUT SAMPLE...

The fields are those of the given sample messages that carry an
authserv-id, folded as the receivers wrote them, repeated in turn until
there are N.  Fields without an authserv-id (Outlook) are left out
because the peer parsers reject them.
"""
import sys


def fields_of(path):
    """Returns the Authentication-Results fields of a message, folded."""
    fields, current = [], None
    with open(path, newline="") as f:
        for line in f:
            if line in ("\n", "\r\n"):
                break
            if line[0] in " \t" and current is not None:
                current.append(line)
                continue
            if current is not None:
                fields.append("".join(current))
            current = [line]
    if current is not None:
        fields.append("".join(current))
    return [f if f.endswith("\n") else f + "\n" for f in fields
            if f.lower().startswith("authentication-results:")]


def main():
    count, output = int(sys.argv[1]), sys.argv[2]
    pool = []
    for path in sys.argv[3:]:
        pool.extend(f for f in fields_of(path)
                    if not f.split(":", 1)[1].lstrip().startswith("spf="))
    with open(output, "w", newline="") as out:
        for i in range(count):
            out.write(pool[i % len(pool)])


main()
