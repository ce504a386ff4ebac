/**
 * Typed errors of the node, the store and the bridge, each turned into a sentence a person
 * understands. Branches on the error's stable `name`, never on its message.
 * @module
 */

/** What went wrong, for the person: a short title and what they can do. */
export interface ErrorText {
  title: string
  detail: string
  /** The error's own message is written for people and says more (which sites, which check): show it too. */
  showOwn?: boolean
}

const TEXTS: Record<string, ErrorText> = {
  InvalidNameError: {
    title: 'That is not an Alternet address',
    detail: 'Addresses look like an://name:topic or name:topic, using letters, digits and hyphens.',
    showOwn: true,
  },
  NameNotFoundError: {
    title: 'Nobody has published this name',
    detail: 'Check the spelling, or publish it yourself: the name is free.',
  },
  NameRevokedError: { title: 'This name was withdrawn', detail: 'Its owner revoked it.' },
  RevocationCheckFailedError: {
    title: 'Could not check whether this name was withdrawn',
    detail: 'The relays did not answer properly. Try again in a moment.',
  },
  OwnerKeyChangedError: {
    title: 'The owner key of this name changed',
    detail:
      'It may have changed hands, or someone may be impersonating it. Compare the fingerprint with its owner before you trust it.',
  },
  NameHeldError: {
    title: 'Another key holds this name',
    detail: 'Pick another name or topic; the name becomes free when its record expires.',
  },
  PublishRefusedError: {
    title: 'The network did not take the record',
    detail: 'No name server stored it. Check that a relay is connected and try again.',
    showOwn: true,
  },
  LookupTimeoutError: {
    title: 'The name lookup timed out',
    detail: 'No relay answered in time. Check the network status and retry.',
  },
  HostUnreachableError: {
    title: 'No host of this site could be reached',
    detail: 'The people hosting it may be offline. Try again later.',
  },
  RequestTimeoutError: {
    title: 'The site took too long to answer',
    detail: 'Its host may be slow or offline. Retry.',
  },
  CnameLoopError: {
    title: 'This name points in a circle',
    detail: 'Its aliases lead back to themselves; tell its owner.',
  },
  WrongPassphraseError: {
    title: 'Wrong passphrase',
    detail: 'That passphrase does not open this key file. Check for typos and capital letters.',
  },
  WeakPassphraseError: {
    title: 'That passphrase is too weak',
    detail: 'Use at least 12 characters; a few unrelated words make a good one.',
  },
  DamagedKeyFileError: {
    title: 'This key file is damaged or not a key file',
    detail: 'Choose the file Alternet exported, unchanged.',
    showOwn: true,
  },
  OwnerKeyInUseError: {
    title: 'Your current key still publishes sites',
    detail: 'Export it first, or confirm that those names will no longer be republished from here.',
    showOwn: true,
  },
  StorageFullError: {
    title: 'The browser storage is full',
    detail: 'Free some room in Settings (stored content) and try again.',
  },
  StorageUnavailableError: {
    title: 'This browser gives the app no storage',
    detail: 'Private browsing modes often turn IndexedDB off; open Alternet in a normal window.',
  },
  InvalidSiteFilesError: {
    title: 'These files cannot be published',
    detail: 'Pick at least one file, or write a page.',
    showOwn: true,
  },
  InvalidPathError: {
    title: 'A file name cannot be used in a site',
    detail: 'Rename files whose names contain unusual characters.',
    showOwn: true,
  },
  SiteOriginsNotClearedError: {
    title: 'The new owner key was not trusted yet',
    detail:
      'What the earlier owner’s site stored in this browser could not be removed (no connection to the relay). Try again when online.',
  },
  BadRequestPathError: {
    title: 'This address is not a page of the site',
    detail: 'Paths under /__an/ belong to Alternet itself, not to the site.',
  },
  BridgeTimeoutError: {
    title: 'The site frame did not start',
    detail: 'The browser did not start the site’s service worker in time. Reload to try again.',
  },
  ServiceWorkerUnsupportedError: {
    title: 'This browser cannot show sites safely',
    detail: 'It has no service workers, which Alternet needs to give each site its own origin.',
  },
  InvalidRelayError: {
    title: 'That is not a relay address',
    detail: 'Give the relay’s https:// URL, or a multiaddr ending in /p2p/<peer id>.',
    showOwn: true,
  },
  StopHostingError: {
    title: 'Hosting did not stop',
    detail:
      'The name record could not be updated, so this device still hosts the site and nothing was deleted. Check the network status and try again.',
  },
  NodeUnavailableError: {
    title: 'Your node is not running here, and this device kept no copy of this page',
    detail: 'Start Alternet in this tab (or use the tab where it runs), then try again.',
  },
  NodeNotRunningError: {
    title: 'Your node is not running in this tab',
    detail: 'Use Alternet in the tab where it runs, or move it here.',
  },
  PassphraseMismatchError: {
    title: 'The passphrases differ',
    detail: 'Type the same passphrase in both fields.',
  },
  NoKeyFileError: {
    title: 'Choose a key file',
    detail: 'Pick the file Alternet exported, then import it.',
  },
  AbortError: { title: 'Stopped', detail: 'The operation was cancelled.' },
  TimeoutError: {
    title: 'Timed out',
    detail: 'It took too long. Check the network status and retry.',
  },
}

/** The person-facing text for `error`; unknown errors keep their own message. */
export function errorText(error: unknown): ErrorText {
  const name =
    typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : ''
  const known = TEXTS[name]
  if (known !== undefined) return known
  const message = error instanceof Error ? error.message : String(error)
  return { title: 'Something went wrong', detail: message }
}

/** An error the app itself raises, with a stable `name` that `errorText` knows. */
export function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name })
}

/** The error's own message when it says something more specific (a reason, a list of sites). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
