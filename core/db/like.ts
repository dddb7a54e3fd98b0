// Searching text with SQL LIKE: what a person types is matched literally, never as a pattern.

/**
 * `LIKE` text for "contains this": %, _ and the escape itself are taken literally. Use it with
 * `ESCAPE '\'` in the statement.
 */
export const likeContaining = (text: string): string =>
  `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
