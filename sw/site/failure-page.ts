/**
 * Failure pages: what a person sees in the site frame when a site cannot be shown. Each typed
 * error the node answers with (`x-an-error`) maps to one kind of failure with a plain
 * explanation and a retry. Pure: renders HTML text.
 * @module
 */

/** The kinds of failure a person is told about. */
export type FailureKind =
  | 'name-not-found'
  | 'name-revoked'
  | 'no-host'
  | 'verification-failed'
  | 'timed-out'
  | 'owner-key-changed'
  | 'not-in-app'
  | 'bad-address'
  | 'unknown'

/** What a failure page says. */
export interface FailureText {
  kind: FailureKind
  title: string
  explanation: string
  advice: string
}

const KINDS: Record<string, FailureKind> = {
  NameNotFoundError: 'name-not-found',
  NoContentError: 'name-not-found',
  RecordExpiredError: 'name-not-found',
  NameRevokedError: 'name-revoked',
  HostUnreachableError: 'no-host',
  RouteStatusError: 'no-host',
  RouteProtocolError: 'no-host',
  BlockGoneError: 'no-host',
  NodeUnavailableError: 'no-host',
  BlockVerificationError: 'verification-failed',
  MalformedManifestError: 'verification-failed',
  InvalidSignatureError: 'verification-failed',
  TimeoutError: 'timed-out',
  RequestTimeoutError: 'timed-out',
  ResponseTimeoutError: 'timed-out',
  BridgeTimeoutError: 'timed-out',
  OwnerKeyChangedError: 'owner-key-changed',
  NoBridgeError: 'not-in-app',
  BridgeNotConnectedError: 'not-in-app',
  InvalidNameError: 'bad-address',
  InvalidPathError: 'bad-address',
  BadRequestPathError: 'bad-address',
}

const TEXT: Record<FailureKind, Omit<FailureText, 'kind'>> = {
  'name-not-found': {
    title: 'Name not found',
    explanation: 'No one has published a site under this name, or its owner stopped renewing it.',
    advice: 'Check the spelling of the name and its topic (the part after the colon).',
  },
  'name-revoked': {
    title: 'This name was revoked',
    explanation:
      'A registrar this network trusts has withdrawn this site, so Alternet will not show it.',
    advice: 'If you think this is a mistake, contact the site’s owner through another channel.',
  },
  'no-host': {
    title: 'No host reachable',
    explanation:
      'The name exists, but no computer holding this site’s content answered. Its owner’s tab may be closed, or you may be offline.',
    advice: 'Try again later, or ask the owner to open their Alternet tab.',
  },
  'verification-failed': {
    title: 'The content failed verification',
    explanation:
      'A host sent bytes that do not match what the site’s owner signed. Alternet refused them, so you are not seeing altered content.',
    advice: 'Try again: another host may have the right content.',
  },
  'timed-out': {
    title: 'Timed out',
    explanation: 'Finding this site or its content took too long.',
    advice: 'Check your connection and try again.',
  },
  'owner-key-changed': {
    title: 'The owner’s key changed',
    explanation:
      'This name is now signed by a different key than the one you saw before. Someone else may have taken it over, or the owner replaced their key.',
    advice:
      'Do not enter passwords or personal details until you have confirmed the change with the owner.',
  },
  'not-in-app': {
    title: 'Open this site in Alternet',
    explanation:
      'Alternet sites are fetched by the Alternet app, and no app tab is connected to this site right now.',
    advice: 'Open the site through the Alternet app.',
  },
  'bad-address': {
    title: 'This address is not valid',
    explanation: 'The address or path cannot name anything on an Alternet site.',
    advice: 'Check the address and try again.',
  },
  unknown: {
    title: 'The site could not be shown',
    explanation: 'Something went wrong while fetching this site.',
    advice: 'Try again in a moment.',
  },
}

/**
 * The failure a typed error name stands for. Only the error name counts: the `x-an-reason` of a
 * response can come unverified from a remote host, so it never decides what the page says (a
 * host answering `revoked` must not make a live name look revoked; a revoked name is
 * `NameRevokedError`, from a verified record).
 */
export function describeFailure(errorName: string | null | undefined): FailureText {
  const kind = KINDS[errorName ?? ''] ?? 'unknown'
  return { kind, ...TEXT[kind] }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Where a failure happened and how to get back. */
export interface FailurePageInit {
  errorName: string
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

/** The failure page as an HTML response with the given status (and `x-an-error` kept). */
export function failurePage(init: FailurePageInit): Response {
  const text = describeFailure(init.errorName)
  const address = `an://${init.site}${init.path}`
  const html = `<!doctype html>
<html lang="en" data-an-error="${escapeHtml(init.errorName)}" data-an-failure="${text.kind}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(text.title)}</title>
<style>
  :root { color-scheme: light dark; }
  body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; padding: 1.5rem 1rem; }
  main { max-width: 36rem; margin: 0 auto; }
  h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
  code { overflow-wrap: anywhere; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1.25rem; }
  .actions a { display: inline-block; padding: .6rem 1rem; border-radius: .4rem; border: 1px solid currentColor; text-decoration: none; min-height: 1.5rem; }
  .actions a.primary { background: #0b3d2e; color: #fff; border-color: #0b3d2e; }
  .details { margin-top: 1.5rem; font-size: .875rem; opacity: .8; }
</style>
</head>
<body>
<main>
<h1 id="title">${escapeHtml(text.title)}</h1>
<p role="alert">${escapeHtml(text.explanation)}</p>
<p>${escapeHtml(text.advice)}</p>
<p>Address: <code>${escapeHtml(address)}</code></p>
<div class="actions">
<a class="primary" href="${escapeHtml(init.path)}">Try again</a>
${init.framed ? '' : `<a href="${escapeHtml(init.viewerUrl)}" target="_top">Open in Alternet</a>`}
</div>
<p class="details">Error: ${escapeHtml(init.errorName)}${init.reason ? ` (${escapeHtml(init.reason)})` : ''}, status ${init.status}.</p>
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
      'x-an-error': init.errorName,
    },
  })
}
