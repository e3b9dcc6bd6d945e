// Command yaml-diff decodes YAML the way kubectl does, for kubeready's differential tests.
//
// It splits a YAML stream into documents with the rule of k8s.io/apimachinery's YAMLReader
// (a line that starts with "---" and has only spaces or a comment after it ends a document),
// decodes each document with sigs.k8s.io/yaml's YAMLToJSON (go-yaml v2 semantics, as
// kubectl apply/create use) and prints, per document, one JSON line:
//
//	{"value": <the JSON kubectl would see>}   or   {"error": "<why it failed>"}
//
// A document that is empty (only comments or white space) prints {"value": null}; kubectl
// skips those. Usage:
//
//	yaml-diff < stream.yaml            one line per document
//	yaml-diff FILE...                  one line per file: {"file": F, "docs": [ ...as above... ]}
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

type docResult struct {
	Value json.RawMessage `json:"value,omitempty"`
	Error string          `json:"error,omitempty"`
	// Null is set for empty documents so that "value": null is printed.
	null bool
}

func (d docResult) MarshalJSON() ([]byte, error) {
	if d.Error != "" {
		return json.Marshal(map[string]string{"error": d.Error})
	}
	if d.null || len(d.Value) == 0 {
		return []byte(`{"value":null}`), nil
	}
	return append(append([]byte(`{"value":`), d.Value...), '}'), nil
}

// splitDocuments follows apimachinery's YAMLReader.Read: a line beginning with "---" is a
// separator when what follows is empty or a comment; anything else after "---" is an error
// for kubectl ("invalid Yaml document separator").
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	var buf bytes.Buffer
	var bad []byte
	flush := func() {
		if bad != nil {
			docs = append(docs, bad)
			bad = nil
		} else {
			docs = append(docs, append([]byte(nil), buf.Bytes()...))
		}
		buf.Reset()
	}
	r := bufio.NewReader(bytes.NewReader(data))
	for {
		line, err := r.ReadBytes('\n')
		if bytes.HasPrefix(line, []byte("---")) {
			rest := strings.TrimSpace(string(line[3:]))
			if rest != "" && !strings.HasPrefix(rest, "#") {
				// Mark the next document as failed, mirroring kubectl's error.
				if buf.Len() != 0 {
					flush()
				}
				bad = []byte("\x00invalid Yaml document separator: " + rest)
			} else if buf.Len() != 0 || bad != nil {
				flush()
			}
		} else {
			buf.Write(line)
		}
		if err == io.EOF {
			break
		}
	}
	if buf.Len() != 0 || bad != nil {
		flush()
	}
	return docs
}

func decode(doc []byte) docResult {
	if len(doc) > 0 && doc[0] == 0 {
		return docResult{Error: string(doc[1:])}
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		return docResult{null: true}
	}
	out, err := safeYAMLToJSON(doc)
	if err != nil {
		return docResult{Error: err.Error()}
	}
	if string(bytes.TrimSpace(out)) == "null" {
		return docResult{null: true}
	}
	return docResult{Value: out}
}

func safeYAMLToJSON(doc []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return yaml.YAMLToJSON(doc)
}

func decodeStream(data []byte) []docResult {
	var res []docResult
	for _, d := range splitDocuments(data) {
		res = append(res, decode(d))
	}
	return res
}

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if len(os.Args) > 1 {
		for _, f := range os.Args[1:] {
			data, err := os.ReadFile(f)
			line := map[string]any{"file": f}
			if err != nil {
				line["error"] = err.Error()
			} else {
				docs := decodeStream(data)
				if docs == nil {
					docs = []docResult{}
				}
				line["docs"] = docs
			}
			if err := enc.Encode(line); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		return
	}
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, d := range decodeStream(data) {
		if err := enc.Encode(d); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
