#!/usr/bin/env python3
"""Generates gjson_vectors.jsonl: GJSON lookups as Go's tidwall/gjson answers them.

Run from this directory with the go-oracle built (see shared/tools/go-oracle):
    python3 gen_gjson.py /tmp/go-oracle > gjson_vectors.jsonl
    python3 gen_gjson.py /tmp/go-oracle property > akeyless_property_vectors.jsonl
Each line: {"json": ..., "path": ..., "found": bool, "out": str}. The Rust test
tests/gjson_vectors.rs replays them; CI does not need Go.

The `property` mode applies ESO's Akeyless rule on top of gjson: when the property
contains a dot, the literal key (every dot escaped) is tried first.
"""
import json
import subprocess
import sys

DOCS = [
    '{"user":"alice","port":5432,"big":12345678901234567890,"ratio":1.50,"exp":1e3,'
    '"flag":true,"off":false,"nothing":null,"empty":"","a":{"b":"nested"},"list":["x","y"]}',
    '{"foo.bar":"L","foo":{"bar":"N"}}',
    '{"foo":{"bar":"N"}}',
    '{"tls.crt":"CERT","tls.key":"KEY","tls":{"crt":"nested-cert"}}',
    '{"git-token":"T","git-username":"U"}',
    '{"k":null}',
    '{"user":"a","pass":"b"}',
    '{"n":1.50}',
    '{"n":-0.0,"m":-0,"e":1E+2,"f":1e-7,"g":0.1,"h":123456789012345678901234567890.5,"i":-12}',
    '{"dup":"first","dup":"second"}',
    '{ "spaced" : { "a" : 1 , "b" : [ 1 , 2 ] } , "after" : "x" }',
    '{"esc\\"aped":"q","uni\\u0063ode":"u","tab":"a\\tb","nl":"line1\\nline2",'
    '"u":"\\u00e9\\u4e2d","pair":"\\ud83d\\ude00","slash":"a\\/b","bs":"a\\\\b"}',
    '{"ua":1,"ub":{"c":2},"uc":{"c":3}}',
    '{"arr":[{"name":"a","v":1},{"name":"b"},{"name":"c","v":3}],"nested":[[1,2],[3]]}',
    '{"db":{"username":"u1","password":"p1"},"apiKey":"k1","port":5432}',
    '{"value":{"payload":"P","target_value":{"username":"x"}}}',
    '["zero","one",{"two":2}]',
    '"just a string"',
    '12',
    'hello',
    '',
    '{"a*b":"star","a?c":"question","a.b":"dotted","a|b":"piped","a\\\\b":"backslash"}',
    '{"empty_obj":{},"empty_arr":[],"t":true}',
    '{"unicodé":"accent","数据":"cjk"}',
    '{"a":{"b":{"c":{"d":"deep"}}}}',
    '{"0":"zero-key","1":{"2":"two"}}',
    '{"#":"hash-key","list":[1,2,3]}',
    '{"broken": "unterminated',
    '{"a":1,,"b":2}',
    '{"a" 1, "b": 2}',
    '{"x":[1,2,3}',
    '{"str":"with } brace and ] bracket","after":"ok"}',
    '{"num_big":1e400,"num_neg_big":-1e400,"plus":+1}',
    '{"inf":Infinity,"nan":NaN,"lit":tru}',
    '  \n {"lead":"ws"}',
]

PATHS = [
    'user', 'port', 'big', 'ratio', 'exp', 'flag', 'off', 'nothing', 'empty', 'a', 'a.b',
    'list', 'list.0', 'list.1', 'list.2', 'list.#', 'us*', 'u?er', '*', '?', 'pipe|x', 'User',
    'foo.bar', 'foo\\.bar', 'foo', 'foo|bar', 'tls.crt', 'tls\\.crt', 'tls\\.key', 'tls', 'tls.*',
    'git-username', 'git-token', 'k', 'pass', 'n', 'm', 'e', 'f', 'g', 'h', 'i', 'dup',
    'spaced', 'spaced.a', 'spaced.b', 'spaced.b.1', 'spaced.b.#', 'after',
    'esc"aped', 'esc\\"aped', 'unicode', 'tab', 'nl', 'u', 'pair', 'slash', 'bs',
    'u*.c', 'u*|c', 'ua', 'ub.c', 'u?.c',
    'arr', 'arr.#', 'arr.#.name', 'arr.#.v', 'arr.1.name', 'arr.1.v', 'arr|#', 'arr|0|name',
    'nested.#.#', 'nested.0.1', 'nested.#.0', 'arr.#.missing',
    'db', 'db.username', 'apiKey', 'value.payload', 'value.target_value', 'value',
    '0', '1', '2', '2.two', '#', '1.2', '01', '-1', '1e0',
    'a*b', 'a\\*b', 'a?c', 'a\\?c', 'a.b', 'a\\.b', 'a|b', 'a\\|b', 'a\\\\b',
    'empty_obj', 'empty_arr', 'empty_arr.#', 'empty_arr.0', 't',
    'unicodé', 'unicod?', '数据', '数*',
    'a.b.c.d', 'a.b.c', 'a.*.c.d', 'a.b.', '.a', 'a..b', '',
    'list.#', 'broken', 'b', 'x', 'x.1', 'str', 'num_big', 'num_neg_big', 'plus',
    'inf', 'nan', 'lit', 'lead',
    'user\\', 'a\\', '\\',
]


def ask(oracle, cases):
    payload = ''.join(json.dumps(c) + '\n' for c in cases)
    out = subprocess.run([oracle], input=payload.encode(), capture_output=True, check=True)
    answers = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(answers) == len(cases)
    return answers


def property_mode(oracle):
    for doc in DOCS:
        for prop in PATHS:
            if not prop:
                continue
            literal = prop.replace('.', '\\.')
            plain, escaped = ask(oracle, [{'op': 'gjson', 'json': doc, 'path': prop},
                                          {'op': 'gjson', 'json': doc, 'path': literal}])
            answer = escaped if '.' in prop and escaped.get('found') else plain
            if not answer.get('found') and '.' not in prop:
                continue
            print(json.dumps({'json': doc, 'path': prop, 'found': bool(answer.get('found')),
                              'out': answer.get('out', '')}, ensure_ascii=False))


def main():
    oracle = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == 'property':
        property_mode(oracle)
        return
    cases = []
    for doc in DOCS:
        for path in PATHS:
            cases.append({'op': 'gjson', 'json': doc, 'path': path})
    payload = ''.join(json.dumps(c) + '\n' for c in cases)
    out = subprocess.run([oracle], input=payload.encode(), capture_output=True, check=True)
    answers = out.stdout.decode().splitlines()
    assert len(answers) == len(cases)
    seen = set()
    for case, line in zip(cases, answers):
        answer = json.loads(line)
        key = (case['json'], case['path'])
        if key in seen:
            continue
        seen.add(key)
        # Keep every hit, and a sample of misses so the file stays small but still pins them.
        if not answer.get('found') and (len(seen) % 4) != 0 and case['path'] not in (
                'User', 'pipe|x', 'foo|bar', 'u*|c', 'arr.#.missing', 'a.b.', '.a', 'a..b', ''):
            continue
        record = {'json': case['json'], 'path': case['path'],
                  'found': bool(answer.get('found')), 'out': answer.get('out', '')}
        print(json.dumps(record, ensure_ascii=False))


if __name__ == '__main__':
    main()
