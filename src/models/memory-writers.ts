// Library calls that fill the memory their first argument points to, as data: after
// `memcpy(&msg, src, len)` any field of `msg` may hold anything. Other calls are read through
// their bodies (summaries/analyze-function.ts, `mayWriteField()`); one with no body to read is
// taken to write nothing of what it is handed.
const FILLS_FIRST_ARGUMENT = new Set([
  'memcpy', 'memmove', 'memset', 'memzero_explicit', 'memcpy_fromio', 'memcpy_and_pad',
  'copy_from_user', '__copy_from_user', 'copy_from_user_nofault', 'copy_from_kernel_nofault',
  'strcpy', 'strncpy', 'strscpy', 'strlcpy', 'strcat', 'sprintf', 'snprintf', 'scnprintf',
]);

/** Whether a call of `name` fills the memory its first argument points to. */
export function fillsFirstArgument(name: string | null): boolean {
  return name !== null && FILLS_FIRST_ARGUMENT.has(name);
}
