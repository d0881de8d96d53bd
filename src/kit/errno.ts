/**
 * Whether `err` carries a string `code`, as Node's system errors do (ENOENT, EEXIST…). Every
 * ShiplogError carries one too, so a test for one code matches whichever kind of error has it.
 */
export function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}
