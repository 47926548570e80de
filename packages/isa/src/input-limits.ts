// What an input file may be, and the words for what went wrong reading one: shared by
// the reader from disk (input-file.ts) and the browser's (input-file-browser.ts).

/** An assembly source or an image file. */
export const MAX_PROGRAM_FILE_BYTES = 16 * 1024 * 1024;
/** A scenario.json, a machine profile or a vmlab.config.json. */
export const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;

/** A file refused before it is read; the message does not repeat the path. */
export class InputFileError extends Error {}

/** What went wrong reading a settings file or parsing its JSON, in a few words. */
export function settingsFileProblem(e: unknown): string {
  if (e instanceof InputFileError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code !== undefined) return `cannot read it (${code})`;
  return `malformed JSON (${(e as Error).message})`;
}
