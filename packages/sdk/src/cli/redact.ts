/** What replaces a secret value in anything the CLI prints. */
export const REDACTED = '[REDACTED]';

// Very short values (a one-letter password) would blank out ordinary text; they are still replaced, whole-word only.
const SHORT = 4;

/** The password inside a connection URL (`postgresql://user:pw@host/db`), which may be printed on its own. */
function urlPassword(text: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return [];
  try {
    const password = new URL(text).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces known secret values (the values of settings marked `secret: true`) in text before it is printed: log
 * lines, error messages, stack traces. Each value is matched as written and as it appears inside a JSON string
 * (escaped quotes and backslashes), since logs are JSON.
 *
 * @example
 * ```ts
 * const redactor = new SecretRedactor();
 * redactor.add(['hunter2']);
 * redactor.redact('login failed: hunter2'); // 'login failed: [REDACTED]'
 * ```
 */
export class SecretRedactor {
  private pattern: RegExp | undefined;
  private readonly values = new Set<string>();

  /** Adds secret values; non-strings are turned into text, empty ones ignored. */
  add(values: readonly unknown[]): void {
    for (const value of values) {
      if (value === undefined || value === null) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (text === undefined || text.length === 0) continue;
      for (const secret of [text, ...urlPassword(text)]) {
        this.values.add(secret);
        this.values.add(JSON.stringify(secret).slice(1, -1));
      }
    }
    const parts = [...this.values]
      .sort((a, b) => b.length - a.length)
      .map((v) => (v.length < SHORT ? `(?<![\\w])${escapeRegExp(v)}(?![\\w])` : escapeRegExp(v)));
    this.pattern = parts.length > 0 ? new RegExp(parts.join('|'), 'g') : undefined;
  }

  /** The text with every known secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    return this.pattern === undefined ? text : text.replace(this.pattern, REDACTED);
  }
}
