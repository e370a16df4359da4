#!/usr/bin/python3
"""Parses every Authentication-Results field of a header dump with
python3-authres and prints each as JSON, for bench/run."""
import json
import sys

import authres


def fields(path):
    """Yields unfolded "Name: value" fields of a header dump."""
    current = None
    with open(path, newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line[:1] in (" ", "\t") and current is not None:
                current += line
                continue
            if current is not None:
                yield current
            current = line
    if current:
        yield current


def main():
    out = sys.stdout
    for field in fields(sys.argv[1]):
        if not field.lower().startswith("authentication-results:"):
            continue
        try:
            header = authres.AuthenticationResultsHeader.parse(field)
        except authres.core.SyntaxError as error:
            out.write(json.dumps({"error": str(error)}) + "\n")
            continue
        out.write(json.dumps({
            "authserv_id": header.authserv_id,
            "results": [{
                "method": r.method, "result": r.result, "reason": r.reason,
                "properties": [{"ptype": p.type, "property": p.name,
                                "value": p.value} for p in r.properties],
            } for r in header.results],
        }) + "\n")


main()
