/**
 * Which `.Values` paths each template line reads (src/sources/helm-scope.ts): Go template scoping
 * of dot and variables through with, range, else, define and block, index with string keys, and
 * what is not a read (comments, strings, numbers, .Release, assignments).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { definesIn, valuesReadByLine } from '../../src/sources/helm-scope.js';

/** Line number -> the paths read on it, dotted, for the lines that read any. */
function reads(text: string): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  valuesReadByLine(text, text.split('\n').length).direct.forEach((paths, i) => {
    if (paths.length) out[i + 1] = paths.map((p) => p.join('.'));
  });
  return out;
}

describe('helm template scope: values read per line', () => {
  it('absolute .Values chains, in order of appearance, once each', () => {
    assert.deepEqual(reads('image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\nx: {{ .Values.a }}{{ .Values.a }}'), {
      1: ['image.repository', 'image.tag'],
      2: ['a'],
    });
  });

  it('with rebinds dot until end; else returns to the outer dot', () => {
    const t = ['{{- with .Values.resources }}', 'resources:', '  {{- toYaml . | nindent 2 }}', '  cpu: {{ .limits.cpu }}', '{{- else }}', 'x: {{ .Values.fallback }} {{ toYaml . }}', '{{- end }}', 'y: {{ toYaml . }}'].join('\n');
    assert.deepEqual(reads(t), { 1: ['resources'], 3: ['resources'], 4: ['resources.limits.cpu'], 6: ['fallback'] });
  });

  it('else with binds anew; nested with over a relative path', () => {
    const t = ['{{- with .Values.a }}{{ else with .Values.b }}', '{{ toYaml . }}', '{{- with .inner }}', '{{ .leaf }}', '{{- end }}', '{{- end }}'].join('\n');
    assert.deepEqual(reads(t), { 1: ['a', 'b'], 2: ['b'], 3: ['b.inner'], 4: ['b.inner.leaf'] });
  });

  it('range: dot and the value variable are an element of the list (index unknown); the key variable reads nothing', () => {
    const t = ['{{- range $i, $c := .Values.sidecars }}', '- name: {{ .name }}', '  image: {{ $c.image }} {{ $i }}', '{{- end }}', '{{- range .Values.env }}', '- {{ .name }}', '{{- end }}', '{{- range until 3 }}', '- {{ . }}', '{{- end }}'].join('\n');
    assert.deepEqual(reads(t), { 1: ['sidecars'], 2: ['sidecars'], 3: ['sidecars'], 5: ['env'], 6: ['env'] });
  });

  it('variables: declared anywhere, read with fields, scoped to their control structure', () => {
    const t = ['{{- $r := .Values.resources }}', 'limits: {{ toYaml $r.limits }}', '{{- if true }}', '{{- $s := .Values.sc }}', '{{ $s }}', '{{- end }}', 'z: {{ $s }} {{ $r }}'].join('\n');
    assert.deepEqual(reads(t), { 1: ['resources'], 2: ['resources.limits'], 4: ['sc'], 5: ['sc'], 7: ['resources'] });
  });

  it('with $v := binds both the variable and dot', () => {
    assert.deepEqual(reads('{{ with $v := .Values.w }}{{ $v.k }} {{ .j }}{{ end }}'), { 1: ['w', 'w.k', 'w.j'] });
  });

  it('index .Values with string keys reads the keyed path (keys that are not identifiers)', () => {
    const t = ['{{- $p := index .Values "probe-settings" }}', 'path: {{ $p.path }}', 'x: {{ index .Values "a" "b-c" | quote }}'].join('\n');
    assert.deepEqual(reads(t), { 1: ['probe-settings'], 2: ['probe-settings.path'], 3: ['a.b-c'] });
  });

  it('not reads: comments, strings, numbers, .Release and friends, root-only dot, the field of a call result', () => {
    const t = ['{{/* .Values.commented */}}', '{{- /* multi', 'line .Values.c2 */ -}}', 'a: {{ "{{ .Values.instr }}" }} {{ 1.5 }} {{ .5 }}', 'b: {{ .Release.Name }} {{ .Chart.AppVersion }} {{ include "x.labels" . }} {{ toYaml . }} {{ $ }}', 'c: {{ (include "x" .).field }}'].join('\n');
    assert.deepEqual(reads(t), {});
  });

  it('define bodies start with an unknown dot; absolute .Values and $.Values still count; block binds its argument', () => {
    const t = ['{{ define "x" }}{{ .foo }} {{ $.Values.bar }} {{ .Values.baz }}{{ end }}', '{{ block "y" .Values.blk }}{{ .k }}{{ end }}', '{{ .Values.after }} {{ $.Values.root.x }}'].join('\n');
    assert.deepEqual(reads(t), { 1: ['bar', 'baz'], 2: ['blk', 'blk.k'], 3: ['after', 'root.x'] });
  });

  it('an action spanning lines counts on its first line; trim markers and an unclosed action do not throw', () => {
    const t = ['x: {{- toYaml', '  .Values.multi', '  | nindent 2 -}}', 'y: {{ .Values.open'].join('\n');
    assert.deepEqual(reads(t), { 1: ['multi'], 4: ['open'] });
  });

  it('an unbalanced end does not throw and keeps the root dot', () => {
    assert.deepEqual(reads('{{ end }}{{ end }}\n{{ .Values.a }}'), { 2: ['a'] });
  });

  it('named templates: include/template with the argument as dot, nested, absolute .Values inside; kept apart from the line\'s own reads', () => {
    const helpers = [
      '{{- define "app.image" -}}',
      '{{- $reg := .Values.image.registry -}}',
      '{{ $reg }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}',
      '{{- end }}',
      '{{- define "app.res" -}}{{ toYaml .limits }}{{ include "app.inner" .requests }}{{- end }}',
      '{{- define "app.inner" -}}{{ .cpu }}{{- end }}',
      '{{- define "app.loop" -}}{{ include "app.loop" . }}{{ .Values.loop }}{{- end }}',
    ].join('\n');
    const defines = definesIn(helpers);
    assert.deepEqual([...defines.keys()], ['app.image', 'app.res', 'app.inner', 'app.loop']);
    const t = ['image: {{ include "app.image" . }}', 'r: {{ include "app.res" .Values.resources | nindent 2 }} {{ .Values.own }}', 'l: {{ template "app.loop" . }}', 'x: {{ include "missing" . }}'].join('\n');
    const r = valuesReadByLine(t, 4, defines);
    const dotted = (l: string[][]) => l.map((p) => p.join('.'));
    assert.deepEqual(r.direct.map(dotted), [[], ['resources', 'own'], [], []]);
    assert.deepEqual(r.included.map(dotted), [['image.registry', 'image.repository', 'image.tag'], ['resources.limits', 'resources.requests', 'resources.requests.cpu'], ['loop'], []]);
    // Without the chart's defines nothing is followed.
    assert.deepEqual(valuesReadByLine(t, 4).included.map(dotted), [[], [], [], []]);
  });
});

