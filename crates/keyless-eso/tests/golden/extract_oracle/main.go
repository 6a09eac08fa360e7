// extract_oracle answers how ESO flattens a `dataFrom.extract` value: Go's encoding/json
// decodes the value into map[string]json.RawMessage, string members are unquoted, every other
// member keeps its raw JSON text, and null becomes an empty value.
//
// One JSON request per line on stdin: {"input_b64": "..."}; one answer per line on stdout:
// {"map": {"key": "<base64 value>"}} or {"err": "<Go message>", "offset": N}.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
)

type request struct {
	InputB64 string `json:"input_b64"`
}

type answer struct {
	Map    map[string]string `json:"map,omitempty"`
	Err    *string           `json:"err,omitempty"`
	Offset *int64            `json:"offset,omitempty"`
}

func flatten(data []byte) (map[string][]byte, error) {
	members := make(map[string]json.RawMessage)
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(members))
	for key, raw := range members {
		var text string
		if err := json.Unmarshal(raw, &text); err == nil {
			out[key] = []byte(text)
		} else {
			out[key] = raw
		}
	}
	return out, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var r request
		var a answer
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			panic(err)
		}
		data, err := base64.StdEncoding.DecodeString(r.InputB64)
		if err != nil {
			panic(err)
		}
		flat, err := flatten(data)
		if err != nil {
			msg := err.Error()
			a.Err = &msg
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) {
				a.Offset = &syntax.Offset
			}
		} else {
			a.Map = make(map[string]string, len(flat))
			for k, v := range flat {
				a.Map[k] = base64.StdEncoding.EncodeToString(v)
			}
		}
		enc.Encode(a)
	}
}
