/**
 * The shape of one entry of the error registry: what an error name means over HTTP, which kind
 * of failure it is, and the words a person reads about it.
 * @module
 */

/**
 * The kinds of failure a person is told about. A failure page names its kind in
 * `data-an-failure`; several error names share a kind (every way a host can fail is `no-host`).
 */
export type FailureKind =
  | 'bad-address'
  | 'read-only'
  | 'name-not-found'
  | 'name-revoked'
  | 'name-loop'
  | 'not-registered'
  | 'owner-key-changed'
  | 'no-host'
  | 'verification-failed'
  | 'timed-out'
  | 'not-in-app'
  | 'name-held'
  | 'publish-failed'
  | 'bad-input'
  | 'key-file'
  | 'storage'
  | 'relay'
  | 'node-not-running'
  | 'unsupported-browser'
  | 'cancelled'
  | 'unknown'

/** What a person reads about a failure: plain words, never an error name or a code. */
export interface ErrorWords {
  /** What happened, in a few words (a page's heading, an alert's first line). */
  title: string
  /** Why, or what it means for the person, in a sentence or two. */
  explanation: string
  /** What the person can do next. */
  action: string
}

/** One error name in the registry. */
export interface ErrorEntry extends ErrorWords {
  /**
   * HTTP status of a response that answers this error (docs/PROTOCOL.md, "Fetching an an://
   * URL"). Absent when no response answers it: the layer that answers uses its own fallback
   * (500 from `fetch`, a fault of this peer; 502 from the site worker, a failed bridge).
   */
  status?: number
  /** Which kind of failure it is. */
  kind: FailureKind
  /**
   * The error's own message is written for people and says more than the words here (which
   * file, which sites, which character): the app shows it under them.
   */
  showOwn?: boolean
}
