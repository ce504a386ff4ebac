/**
 * Failure pages: what a person sees in the site frame when a site cannot be shown. The typed
 * error the node answers with (`x-an-error`) gives the kind of failure and the words, from the
 * error registry (`src/core/errors`), and the page adds a retry. Pure: renders HTML text.
 * @module
 */

import { errorEntry, type ErrorWords, type FailureKind } from '../../src/core/errors/index.ts'
import { ERROR_HEADER } from '../../src/core/http/headers.ts'
import { escapeHtml } from '../../src/core/http/html-text.ts'
import { toUnicodeAddress } from '../../src/core/names/index.ts'
import { publishUrl } from '../../src/origins/shared/site-origin.ts'

export type { FailureKind } from '../../src/core/errors/index.ts'

/** What a failure page says: the registry's words for the error, and its kind of failure. */
export interface FailureText extends ErrorWords {
  kind: FailureKind
}

/**
 * The failure a typed error name stands for, with its words from the error registry. Only the
 * error name counts: the `x-an-reason` of a response can come unverified from a remote host, so
 * it never decides what the page says (a host answering `revoked` must not make a live name
 * look revoked; a revoked name is `NameRevokedError`, from a verified record).
 */
export function describeFailure(errorName: string | null | undefined): FailureText {
  const { kind, title, explanation, action } = errorEntry(errorName)
  return { kind, title, explanation, action }
}

/** Where a failure happened and how to get back. */
export interface FailurePageInit {
  errorName: string
  /** The response's `x-an-reason`, possibly from a remote host: never shown to the person. */
  reason?: string | null
  status: number
  site: string
  /** Path and query on the site. */
  path: string
  /** The shell's viewer URL for this path (a top-level link out of the frame). */
  viewerUrl: string
  /** Shown in the app's site frame: the link to open it in the app would lead where it is. */
  framed?: boolean
}

/**
 * The page's first action: for a name nobody published, publishing it (in the app; inside the
 * app's frame the app's own line offers it, as the frame may not move the app), else a retry.
 */
function actions(init: FailurePageInit): string {
  if (init.errorName !== 'NameNotFoundError')
    return `<a class="primary" href="${escapeHtml(init.path)}">Try again</a>`
  if (init.framed === true) return ''
  const publish = publishUrl(new URL(init.viewerUrl).origin, init.site)
  return `<a class="primary" href="${escapeHtml(publish)}" target="_top">Publish this name</a>`
}

/** The failure page as an HTML response with the given status (and `x-an-error` kept). */
export function failurePage(init: FailurePageInit): Response {
  const text = describeFailure(init.errorName)
  const address = toUnicodeAddress(`an://${init.site}${init.path}`)
  const html = `<!doctype html>
<html lang="en" data-an-error="${escapeHtml(init.errorName)}" data-an-failure="${text.kind}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(text.title)}</title>
<style>
  :root { color-scheme: light dark; background: #ffffff; color: #14201b; }
  .actions a.primary { background: #0b3d2e; color: #fff; border-color: #0b3d2e; }
  @media (prefers-color-scheme: dark) {
    :root { background: #111815; color: #e6efe9; }
    .actions a.primary { background: #4fc79a; color: #05251a; border-color: #4fc79a; }
  }
  body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; padding: 1.5rem 1rem; }
  a { color: inherit; }
  main { max-width: 36rem; margin: 0 auto; }
  h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
  code { overflow-wrap: anywhere; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1.25rem; }
  .actions a { display: inline-block; padding: .6rem 1rem; border-radius: .4rem; border: 1px solid currentColor; text-decoration: none; min-height: 1.5rem; }
</style>
</head>
<body>
<main>
<h1 id="title">${escapeHtml(text.title)}</h1>
<p role="alert">${escapeHtml(text.explanation)}</p>
<p>${escapeHtml(text.action)}</p>
<p>Address: <code>${escapeHtml(address)}</code></p>
<div class="actions">
${actions(init)}
${init.framed ? '' : `<a href="${escapeHtml(init.viewerUrl)}" target="_top">Open in Alternet</a>`}
</div>
</main>
</body>
</html>
`
  return new Response(html, {
    status: init.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      [ERROR_HEADER]: init.errorName,
    },
  })
}
