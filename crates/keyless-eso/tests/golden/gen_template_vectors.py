#!/usr/bin/env python3
"""Regenerates template_vectors.json from template_cases.py with the Go oracle.

The oracle (shared/tools/go-oracle) runs Go 1.19 text/template with sprig 3.2.3 and
missingkey=error, the way ESO's template engine v2 runs a template. Cases marked
`oracle="eso-extras"` use ESO's own functions (toYaml, fromYaml, filterPEM), which the shared
oracle lacks; they go to eso_extras_oracle/ (the same engine plus those functions on Go's
yaml.v2, encoding/json and encoding/pem), built here with Debian's Go packages. Each case is
sent as one request; the answer (output or Go's error text) is stored next to the case. CI
only reads the JSON file, so it never needs Go.

Usage: gen_template_vectors.py [/path/to/go-oracle]
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from template_cases import CASES  # noqa: E402


def build_extras_oracle() -> str:
    output = "/tmp/eso-extras-oracle"
    env = dict(os.environ, GOPATH="/usr/share/gocode", GO111MODULE="off")
    env.setdefault("GOCACHE", "/tmp/eso-extras-oracle-cache")
    subprocess.run(
        ["go", "build", "-o", output, "."],
        cwd=os.path.join(HERE, "eso_extras_oracle"),
        env=env,
        check=True,
    )
    return output


def ask(oracle: str, cases: list) -> list:
    requests = []
    for case in cases:
        request = {"op": "render", "template": case["template"], "data": case.get("data", {})}
        if "missingkey" in case:
            request["missingkey"] = case["missingkey"]
        requests.append(json.dumps(request))
    completed = subprocess.run(
        [oracle], input="\n".join(requests) + "\n", capture_output=True, text=True, check=True
    )
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    if len(answers) != len(cases):
        raise SystemExit(f"{oracle} answered {len(answers)} of {len(cases)} requests")
    return answers


def main() -> None:
    oracle = sys.argv[1] if len(sys.argv) > 1 else "/tmp/go-oracle"
    extras = [case for case in CASES if case.get("oracle") == "eso-extras"]
    standard = [case for case in CASES if case.get("oracle") != "eso-extras"]
    answered = dict(zip((id(case) for case in standard), ask(oracle, standard)))
    if extras:
        answered.update(zip((id(case) for case in extras), ask(build_extras_oracle(), extras)))
    answers = [answered[id(case)] for case in CASES]

    names = set()
    vectors = []
    for case, answer in zip(CASES, answers):
        name = case["name"]
        if name in names:
            raise SystemExit(f"duplicate case name {name}")
        names.add(name)
        vector = {"name": name, "template": case["template"], "data": case.get("data", {})}
        if "missingkey" in case:
            vector["missingkey"] = case["missingkey"]
        if case.get("oracle") == "eso-extras":
            vector["oracle"] = "eso-extras"
        if "err" in answer:
            vector["err"] = answer["err"]
            if "err_stable_prefix" in case:
                prefix = case["err_stable_prefix"]
                if not answer["err"].startswith(prefix):
                    raise SystemExit(f"{name}: Go's error does not start with {prefix!r}")
                vector["err_stable_prefix"] = prefix
        else:
            vector["out"] = answer["out"]
        if case.get("expect") == "error" and "err" not in answer:
            raise SystemExit(f"{name}: expected an error, Go rendered {answer['out']!r}")
        if case.get("expect") == "output" and "err" in answer:
            raise SystemExit(f"{name}: expected output, Go failed with {answer['err']!r}")
        vectors.append(vector)

    with open(os.path.join(HERE, "template_vectors.json"), "w", encoding="utf-8") as out:
        json.dump(
            {
                "generator": "gen_template_vectors.py",
                "oracle": "Go 1.19 text/template + sprig 3.2.3, missingkey=error, template name t; "
                "vectors marked eso-extras add ESO's toYaml/fromYaml/filterPEM (eso_extras_oracle)",
                "vectors": vectors,
            },
            out,
            indent=1,
            ensure_ascii=False,
        )
        out.write("\n")
    errors = sum(1 for vector in vectors if "err" in vector)
    print(f"{len(vectors)} vectors ({errors} errors) written")


if __name__ == "__main__":
    main()
