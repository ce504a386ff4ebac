/**
 * Text made safe inside HTML text and attribute values, for the few pages Alternet writes as
 * HTML text (the 404 page, the site worker's failure page, the relay's own pages).
 * @module
 */

/** `text` with `& < > " '` written as character references. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
