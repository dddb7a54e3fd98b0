// Finds the JSON in a model's answer. Servers without JSON mode (and some with it) wrap it in
// ```json fences, put a sentence before or after it, or think aloud in <think> tags first.

const THINKING = /<think>[\s\S]*?<\/think>/gi;
const FENCE = /```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/g;

const parse = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
};

/** The end of the object or array opening at `start` (its brackets balanced outside strings). */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * The first JSON object (or array) in `text`: the whole text, else a fenced block, else the
 * first balanced `{…}` or `[…]` that parses. `undefined` when there is none.
 */
export function extractJson(text: string): unknown {
  const plain = text.replace(THINKING, '').trim();
  const whole = parse(plain);
  if (whole.ok) return whole.value;
  for (const match of plain.matchAll(FENCE)) {
    const fenced = parse((match[1] ?? '').trim());
    if (fenced.ok) return fenced.value;
  }
  for (let i = 0; i < plain.length; i++) {
    if (plain[i] !== '{' && plain[i] !== '[') continue;
    const end = balancedEnd(plain, i);
    if (end < 0) continue;
    const found = parse(plain.slice(i, end + 1));
    if (found.ok && typeof found.value === 'object' && found.value !== null) return found.value;
  }
  return undefined;
}
