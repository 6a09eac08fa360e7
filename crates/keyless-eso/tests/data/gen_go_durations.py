#!/usr/bin/env python3
"""Regenerates go_durations.json from Go's own time.ParseDuration.

Usage: python3 gen_go_durations.py /tmp/go-oracle > go_durations.json

Every parse result and every error message comes from the go-oracle (Go 1.19). The oracle
has no Duration.String operation, so the canonical form is computed here and then proved by
asking Go to parse it back: a vector is only written when Go reads the printed form as the
same number of nanoseconds. CI never runs this script; the JSON it writes is committed.
"""
import json
import random
import subprocess
import sys

FIXED = [
    # Accepted forms.
    "0", "+0", "-0", "0s", "1ns", "1us", "1\u00b5s", "1\u03bcs", "1ms", "1s", "1m", "1h",
    "1h0m0s", "1h30m", "1h30m0s", "90m", "15h", "120h", "1m30s", "5m", "10s", "0.5s",
    ".5s", "5.s", "1.5h", "1.0000000001s", "-1h", "+5s", "-1.5h", "2h45m30.5s",
    "1h1h", "3m3m3m", "100ms50us", "0.000000001s", "0.0000000001s", "0.1ns", "1.999999999ns",
    "9223372036854775807ns", "9223372036854775808ns", "-9223372036854775808ns",
    "-9223372036854775809ns", "2562047h", "2562048h", "2562047h47m16.854775807s",
    "2562047h47m16.854775808s", "-2562047h47m16.854775808s", "0.12345678901234567890s",
    "1.00000000000000000000001h", "00001s", "1e3s", "1_000s", "0x10s",
    # Rejected forms.
    "", "+", "-", ".", "..", "1", "3600", "1h30", "5d", "10S", "1H", " 1h", "1h ", "1h 30m",
    "1 h", "s", "h1", "1.2.3s", "-.s", "1.s.", "--1s", "+-1s", "1hh", "1\u00e9", "\u00e9",
    "1s\t", "1\"s", "1\\s", "1\u2126", "\u00b5s", "1sec", "1min", "1hour", "1w", "1y", "1\x7f",
    "99999999999999999999s", "18446744073709551616ns", "1\u00b5", "1\u00b5m", "1us1", "ns",
    "1.", "1..5s", "1.5.5s", "0.5", "-1", "+1", "1d2h", "P1D", "PT1H", "1h-30m",
]


def go_string(nanos: int) -> str:
    """Go's Duration.String, written from its documented output format."""
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    u = abs(nanos)

    def fixed(value: int, precision: int) -> str:
        whole, frac = divmod(value, 10 ** precision)
        if frac == 0:
            return str(whole)
        return f"{whole}." + f"{frac:0{precision}d}".rstrip("0")

    if u < 1_000:
        return f"{sign}{u}ns"
    if u < 1_000_000:
        return f"{sign}{fixed(u, 3)}\u00b5s"
    if u < 1_000_000_000:
        return f"{sign}{fixed(u, 6)}ms"
    hours, rest = divmod(u, 3_600_000_000_000)
    minutes, secs = divmod(rest, 60_000_000_000)
    out = sign
    if hours:
        out += f"{hours}h"
    if hours or minutes:
        out += f"{minutes}m"
    return out + f"{fixed(secs, 9)}s"


def random_inputs(count: int) -> list:
    rng = random.Random(20240601)
    units = ["ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h", "d", "", "S"]
    out = []
    for _ in range(count):
        text = rng.choice(["", "", "-", "+"])
        for _ in range(rng.randint(1, 3)):
            whole = str(rng.randint(0, 10 ** rng.randint(0, 12)))
            if rng.random() < 0.3:
                whole += "." + str(rng.randint(0, 10 ** rng.randint(0, 10)))
            text += whole + rng.choice(units)
        out.append(text)
    return out


def main() -> None:
    oracle = sys.argv[1]
    texts = list(dict.fromkeys(FIXED + random_inputs(300)))
    requests = [{"op": "duration", "text": t} for t in texts]
    answers = ask(oracle, requests)

    printed = {}
    for text, answer in zip(texts, answers):
        if "err" not in answer:
            printed[text] = go_string(answer.get("nanos", 0))
    check = ask(oracle, [{"op": "duration", "text": s} for s in printed.values()])
    for (text, string), answer in zip(printed.items(), check):
        original = answers[texts.index(text)].get("nanos", 0)
        if answer.get("nanos", 0) != original or "err" in answer:
            sys.exit(f"printed form {string!r} of {text!r} does not parse back in Go")

    vectors = []
    for text, answer in zip(texts, answers):
        if "err" in answer:
            vectors.append({"text": text, "err": answer["err"]})
        else:
            vectors.append({"text": text, "nanos": answer.get("nanos", 0), "string": printed[text]})
    lines = ",\n".join("  " + json.dumps(v, ensure_ascii=False) for v in vectors)
    sys.stdout.write('{\n "generator": "go-oracle, Go 1.19 time.ParseDuration",\n')
    sys.stdout.write(' "vectors": [\n' + lines + "\n ]\n}\n")


def ask(oracle: str, requests: list) -> list:
    stdin = "".join(json.dumps(r) + "\n" for r in requests)
    run = subprocess.run([oracle], input=stdin.encode(), capture_output=True, check=True)
    return [json.loads(line) for line in run.stdout.decode().splitlines()]


if __name__ == "__main__":
    main()
