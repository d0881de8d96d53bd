/**
 * Text shiplog prints to a terminal from files it does not own (a cloned repository's
 * .changelog, folder names in it): an escape sequence there could write the clipboard (OSC 52),
 * plant a link (OSC 8), retitle or clear the terminal. C0 controls but tab and newline, DEL and
 * the C1 range (U+009B alone is a CSI to many terminals) are shown as visible escapes instead.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's job.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 but writes DEL and C1 as they are; escaping them
 * too keeps the line valid JSON with the same value.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
