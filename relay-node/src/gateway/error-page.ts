/**
 * The gateway's answer to an error: the status the app's fetch gives it and the error
 * registry's words, as an HTML page for a browser and as three lines of text for anything else
 * (`curl`, scripts). The error's name goes in `x-an-error`, as from the app's fetch.
 * @module
 */
import { errorEntry } from '@alternet/core/errors'
import { ERROR_HEADER, errorReply, escapeHtml, type ErrorReply } from '@alternet/core/http'

/** Headers of the gateway's own pages: nothing loads, nothing frames them. */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
}

/** Whether the client asked for HTML (a browser's navigation). */
export function wantsHtml(accept: string | undefined): boolean {
  return /\btext\/html\b/i.test(accept ?? '')
}

/**
 * The answer for `error`: `errorReply`'s status and headers, with the registry's words as an
 * HTML page when `html`, else as three lines of text (never the error's name, which is only in
 * `x-an-error` for scripts).
 */
export function gatewayErrorReply(
  error: unknown,
  html: boolean,
  extra: Record<string, string> = {},
): ErrorReply {
  const reply = errorReply(error, extra)
  const name = reply.headers[ERROR_HEADER]
  const { title, explanation, action } = errorEntry(name)
  if (!html) return { ...reply, text: `${title}.\n${explanation}\n${action}\n` }
  const text = `<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}.details{color:#555;font-size:.875rem}</style>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(explanation)}</p>
<p>${escapeHtml(action)}</p>
<p class="details">Status ${reply.status}.</p>
</html>
`
  return {
    status: reply.status,
    headers: { ...reply.headers, 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS },
    text,
  }
}
