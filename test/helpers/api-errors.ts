/**
 * The validation errors of a `kubectl apply` the API server refused, one per line as it lists them
 * ("spec.ports[0].name: Required value"), from kubectl's stderr: either the one error after
 * `The Service "web" is invalid: `, or each `* ` line under it.
 */
export function apiServerErrors(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^(?:\* |The \w+ "[^"]*" is invalid: )(.+)$/.exec(line.trim());
    if (m && m[1].trim() !== '') out.push(m[1]);
  }
  return out;
}

/**
 * The API server errors a finding's message quotes after `lead` to its end (several are joined by
 * "; "); `inParens`: the quote is in parentheses that close the message.
 */
export function quotedErrors(message: string, lead: RegExp, inParens = false): string[] {
  const m = lead.exec(message);
  if (!m) throw new Error(`no quoted API server error in: ${message}`);
  const quoted = message.slice(m.index + m[0].length);
  return (inParens ? quoted.slice(0, -1) : quoted).split(/; (?=\S+: (?:Invalid value|Required value|Forbidden|Unsupported value|Duplicate value))/);
}
