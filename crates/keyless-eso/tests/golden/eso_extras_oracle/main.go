// eso_extras_oracle is the go-oracle's render operation plus the template functions ESO adds
// to sprig and that the shared oracle lacks: toYaml, fromYaml and filterPEM. They are written
// from ESO's documented behaviour on top of the same Go libraries ESO uses (encoding/json,
// gopkg.in/yaml.v2 as vendored by sigs.k8s.io/yaml, encoding/pem), so their outputs are Go's.
//
// Build (Debian's Go 1.19 and packaged libraries, no network):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o /tmp/eso-extras-oracle .
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	yaml "gopkg.in/yaml.v2"
)

type request struct {
	Op       string            `json:"op"`
	Template string            `json:"template"`
	Data     map[string]string `json:"data"`
}

type answer struct {
	Out *string `json:"out,omitempty"`
	Err *string `json:"err,omitempty"`
}

// marshalYAML is sigs.k8s.io/yaml.Marshal: JSON first, then the JSON document re-read and
// written by yaml.v2 (which picks int or float for each number).
func marshalYAML(v interface{}) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("error marshaling into JSON: %v", err)
	}
	var generic interface{}
	if err := yaml.Unmarshal(j, &generic); err != nil {
		return nil, err
	}
	return yaml.Marshal(generic)
}

func toYAML(v interface{}) string {
	data, err := marshalYAML(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

// jsonable turns yaml.v2's generic value into something encoding/json accepts, converting
// map keys to strings the way sigs.k8s.io/yaml does.
func jsonable(v interface{}) (interface{}, error) {
	switch typed := v.(type) {
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(typed))
		for key, value := range typed {
			var name string
			switch k := key.(type) {
			case string:
				name = k
			case int:
				name = strconv.Itoa(k)
			case int64:
				name = strconv.FormatInt(k, 10)
			case uint64:
				name = strconv.FormatUint(k, 10)
			case float64:
				name = strconv.FormatFloat(k, 'g', -1, 32)
				switch name {
				case "+Inf":
					name = ".inf"
				case "-Inf":
					name = "-.inf"
				case "NaN":
					name = ".nan"
				}
			case bool:
				name = strconv.FormatBool(k)
			default:
				return nil, fmt.Errorf("Unsupported map key of type: %s, key: %+#v, value: %+#v", reflect.TypeOf(key), key, value)
			}
			converted, err := jsonable(value)
			if err != nil {
				return nil, err
			}
			out[name] = converted
		}
		return out, nil
	case []interface{}:
		out := make([]interface{}, len(typed))
		for i, value := range typed {
			converted, err := jsonable(value)
			if err != nil {
				return nil, err
			}
			out[i] = converted
		}
		return out, nil
	default:
		return v, nil
	}
}

// unmarshalYAML is sigs.k8s.io/yaml.Unmarshal into a map: YAML to JSON, then encoding/json.
func unmarshalYAML(y []byte, out *map[string]interface{}) error {
	var generic interface{}
	if err := yaml.Unmarshal(y, &generic); err != nil {
		return fmt.Errorf("error converting YAML to JSON: %v", err)
	}
	converted, err := jsonable(generic)
	if err != nil {
		return fmt.Errorf("error converting YAML to JSON: %v", err)
	}
	j, err := json.Marshal(converted)
	if err != nil {
		return fmt.Errorf("error converting YAML to JSON: %v", err)
	}
	if err := json.NewDecoder(bytes.NewReader(j)).Decode(out); err != nil {
		return fmt.Errorf("error unmarshaling JSON: while decoding JSON: %v", err)
	}
	return nil
}

func fromYAML(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := unmarshalYAML([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// filterPEM keeps the PEM blocks of one type (compared case-insensitively), re-encoded.
func filterPEM(pemType, input string) (string, error) {
	if index := strings.Index(input, "-----BEGIN"); index != -1 {
		input = input[index:]
	}
	data := []byte(input)
	var blocks []byte
	var rest []byte
	for {
		var block *pem.Block
		block, rest = pem.Decode(data)
		data = rest
		if block == nil {
			break
		}
		if !strings.EqualFold(block.Type, pemType) {
			continue
		}
		var buf bytes.Buffer
		if err := pem.Encode(&buf, block); err != nil {
			return "", err
		}
		blocks = append(blocks, buf.Bytes()...)
	}
	if len(blocks) == 0 && len(rest) != 0 {
		return "", errors.New("error filtering pem: found junk")
	}
	return string(blocks), nil
}

func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		delete(f, name)
	}
	f["toYaml"] = toYAML
	f["fromYaml"] = fromYAML
	f["filterPEM"] = filterPEM
	return f
}

func render(r request) (string, error) {
	t, err := template.New("t").Option("missingkey=error").Funcs(funcs()).Parse(r.Template)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := t.Execute(&out, r.Data); err != nil {
		return "", err
	}
	return out.String(), nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var r request
		var a answer
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			s := err.Error()
			a.Err = &s
		} else if out, err := render(r); err != nil {
			s := err.Error()
			a.Err = &s
		} else {
			a.Out = &out
		}
		enc.Encode(a)
	}
}
