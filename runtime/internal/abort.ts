// The public API takes an AbortSignalLike so that its declarations need neither the DOM lib nor
// @types/node; a caller passes the platform's AbortSignal, which is what the runtime uses inside.
import type { AbortSignalLike } from "../operation.js";

export function platformSignal(signal: AbortSignalLike | undefined): AbortSignal | undefined {
  return signal as AbortSignal | undefined;
}
