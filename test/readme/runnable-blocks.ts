/**
 * The command blocks of a Markdown file that are marked as runnable, with the output the text says they print.
 *
 * A block is runnable when the line right before its opening fence is `<!-- runnable -->` (or
 * `<!-- runnable: NAME -->`, naming the set-up it needs, e.g. `postgres`). Its expected stdout is the next fenced
 * block, when the line before that one is `<!-- output -->` (blank lines may separate them).
 *
 * @example
 * ```ts
 * readRunnableBlocks(readFileSync('README.md', 'utf8'))[0]; // { line: 21, needs: undefined, code: 'npx dest-csv < ...', output: '...' }
 * ```
 */
export interface RunnableBlock {
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
  /** The set-up named in the marker (`postgres`), if any. */
  needs: string | undefined;
  code: string;
  /** The expected stdout, when an `<!-- output -->` block follows. */
  output: string | undefined;
}

const MARKER = /^<!--\s*runnable(?::\s*([\w-]+))?\s*-->$/;
const OUTPUT_MARKER = /^<!--\s*output\s*-->$/;

function readFence(lines: readonly string[], start: number): { body: string; end: number } {
  const fence = /^(`{3,})/.exec(lines[start] ?? '')?.[1];
  if (fence === undefined) throw new Error(`line ${start + 1}: a marker must be followed by a fenced block`);
  let end = start + 1;
  while (end < lines.length && lines[end]!.trimEnd() !== fence) end++;
  if (end >= lines.length) throw new Error(`line ${start + 1}: the fenced block is never closed`);
  return { body: lines.slice(start + 1, end).join('\n') + '\n', end };
}

/** Finds every runnable block of a Markdown text, in order. */
export function readRunnableBlocks(markdown: string): RunnableBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]!.trim());
    if (marker === null) continue;
    const { body: code, end } = readFence(lines, i + 1);
    let next = end + 1;
    while (next < lines.length && lines[next]!.trim() === '') next++;
    let output: string | undefined;
    if (OUTPUT_MARKER.test(lines[next]?.trim() ?? '')) {
      const fenced = readFence(lines, next + 1);
      output = fenced.body;
      next = fenced.end;
    }
    blocks.push({ line: i + 2, needs: marker[1], code, output });
    i = next;
  }
  return blocks;
}
