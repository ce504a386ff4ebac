/**
 * The demo site the harness publishes, shared with the specs that check its bytes.
 * @module
 */

/** Byte `i` of the demo site's `/media.bin`. */
export const mediaByte = (i: number): number => (i * 7 + (i >> 10)) & 0xff

/** Size of the demo site's `/media.bin` unless told otherwise: 3 MiB, many chunks. */
export const DEFAULT_MEDIA_SIZE = 3 * 1024 * 1024

/** The demo site's `/style.css`: colours the heading rgb(12, 34, 56). */
export const DEMO_CSS = 'h1 { color: rgb(12, 34, 56); }\n'
