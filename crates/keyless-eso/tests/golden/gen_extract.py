#!/usr/bin/env python3
"""Generates extract_vectors.jsonl: how ESO flattens a `dataFrom.extract` value.

    python3 gen_extract.py > extract_vectors.jsonl

Runs extract_oracle/ (Go's encoding/json, standard library only, `go run` works offline).
Each line: {"input_b64": ..., "map": {key: base64 value}} or {"input_b64": ..., "err": Go's
message, "offset": N}. tests/extract_vectors.rs replays them; CI does not need Go.
"""
import base64
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

INPUTS = [
    b'{"db":{"username":"u1","password":"p1"},"apiKey":"k1","port":5432}',
    b'{"n":1.50,"e":1e3,"t":true,"f":false,"z":null,"s":"str","a":[1, 2 ,3],"o":{ "a" : 1 }}',
    b'{"dup":"first","dup":"second"}',
    b'{"dup":1,"dup":null}',
    b'{"k":null}',
    b'{}',
    b'  {"ws" :  "x" }  \n',
    b'null',
    b'[1,2]',
    b'"string"',
    b'12',
    b'true',
    b'',
    b'   ',
    b'hello',
    b'hunter2',
    b'{"a":1,}',
    b'{"a":1,,"b":2}',
    b'{"a" 1}',
    b'{a:1}',
    b'{"a":1} x',
    b'{"a":1}{"b":2}',
    b'{"a":tru}',
    b'{"a":nul}',
    b'{"a":fals}',
    b'{"a":-}',
    b'{"a":1.}',
    b'{"a":1e}',
    b'{"a":1e+}',
    b'{"a":01}',
    b'{"a":.5}',
    b'{"a":+1}',
    b'{"a":"unterminated',
    b'{"a":"bad \\x escape"}',
    b'{"a":"bad \\u12G4"}',
    b'{"a":"ctrl \x01 char"}',
    b'{"a":"tab\tinside"}',
    b'{"a":[1,2}',
    b'{"a":{"b":1]}',
    b'-',
    b'1.',
    b'tru',
    b'{"esc":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t","u":"\\u00e9\\u4e2d","pair":"\\ud83d\\ude00"}',
    b'{"lone_high":"\\ud83d","lone_low":"\\ude00","high_then_char":"\\ud83dx","two_high":"\\ud83d\\ud83d"}',
    b'{"k\\u0065y":"escaped key","k\\"q":"quote key"}',
    b'{"bad_utf8":"\xff\xfe","trunc":"\xf0\x9f\x98x","surrogate":"\xed\xa0\x80"}',
    b'{"\xffkey":"v"}',
    b'{"raw_bad_utf8":["\xff"]}',
    b'\xef\xbb\xbf{"bom":1}',
    b'{"big":12345678901234567890,"neg":-0.0,"exp":1E-7}',
    b'{"nested":{"deep":{"deeper":[{"x":null}]}}}',
    b'{"empty":"","space":" "}',
    '{"unicodé":"v","数据":"w"}'.encode(),
    b'{"a":1}\x00',
    b'\x00',
    b'{"a":"\xc3\xa9"}',
    b'[' * 3 + b']' * 3,
    b'{"a":' + b'[' * 50 + b']' * 50 + b'}',
    b'{"a":1 , "b" : 2 ,"c":3}',
    b'{"a":"x"',
    b'{"a"',
    b'{"a":',
    b'{',
    b'{"a":1',
    b'"',
    b'{"a":[1,2,3],"b":[]}',
    b'{"\'":"single"}',
    b'{"a":\'x\'}',
    b'\t\r\n {"ws":"all kinds"}',
    b'{"a":1}\x0b',
    b'{"a":1e400}',
    b'{"a":Infinity}',
    b'{"a":NaN}',
]


def main():
    requests = [{'input_b64': base64.b64encode(data).decode()} for data in INPUTS]
    payload = ''.join(json.dumps(r) + '\n' for r in requests)
    out = subprocess.run(['go', 'run', '.'], cwd=os.path.join(HERE, 'extract_oracle'),
                         input=payload.encode(), capture_output=True, check=True)
    answers = out.stdout.decode().splitlines()
    assert len(answers) == len(requests)
    for request, line in zip(requests, answers):
        record = dict(request)
        record.update(json.loads(line))
        print(json.dumps(record, ensure_ascii=False, sort_keys=True))


if __name__ == '__main__':
    main()
