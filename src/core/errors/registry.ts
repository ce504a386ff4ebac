/**
 * The error registry: every typed error name the code can throw, with its HTTP status, its kind
 * of failure and the words a person reads. The app's `fetch` (error → response), the site
 * worker (status of a failed bridge), the failure page and the app's alerts all read it, so an
 * error is worded once. `test/errors/error-registry.spec.ts` fails when an error class has no
 * entry, and checks the words against what docs/PROTOCOL.md says happened.
 * @module
 */
import type { ErrorEntry, ErrorWords } from './error-entry.ts'

/** Words shared by every way a site's hosts can fail to give its content. */
const NO_HOST: ErrorWords = {
  title: 'No host reachable',
  explanation:
    'The name exists, but no computer holding this site’s content answered. Its owner’s tab may be closed, or you may be offline.',
  action: 'Try again later, or ask the owner to open their Alternet tab.',
}

/** Words shared by every refusal of bytes that do not match what the owner signed. */
const ALTERED: ErrorWords = {
  title: 'The content failed verification',
  explanation:
    'A host sent bytes that do not match what the site’s owner signed. Alternet refused them, so you are not seeing altered content.',
  action: 'Try again: another host may have the right content.',
}

/** Words shared by refusals of a name record that breaks the protocol's rules. */
const BAD_RECORD: ErrorWords = {
  title: 'The name’s record was refused',
  explanation:
    'The record found for this name breaks the network’s rules (its size, its lifetime or what signed it), so Alternet did not trust it.',
  action: 'Tell the site’s owner; try again later, when a valid record may be found.',
}

/** Words shared by the ways a site's worker or a host did not answer in time. */
const TIMED_OUT: ErrorWords = {
  title: 'Timed out',
  explanation: 'Finding this site or its content took too long.',
  action: 'Check your connection and try again.',
}

/** Words shared by the ways a site is shown outside the app. */
const NOT_IN_APP: ErrorWords = {
  title: 'Open this site in Alternet',
  explanation:
    'Alternet sites are fetched by the Alternet app, and no app tab is connected to this site right now.',
  action: 'Open the site through the Alternet app.',
}

/** Words for faults of this device's own code or store, which a person cannot fix by input. */
const FAULT: ErrorWords = {
  title: 'Something went wrong on this device',
  explanation: 'Alternet met a fault of its own while doing this.',
  action: 'Try again; if it keeps happening, reload the app.',
}

/** Every typed error name, with its status, kind and words. */
export const ERROR_REGISTRY: Readonly<Record<string, ErrorEntry>> = {
  // The address or the request is wrong.
  InvalidNameError: {
    status: 400,
    kind: 'bad-address',
    title: 'That is not an Alternet address',
    explanation:
      'Addresses look like an://name:topic or name:topic, using letters, digits and hyphens.',
    action: 'Check the address and try again.',
    showOwn: true,
  },
  InvalidPathError: {
    status: 400,
    kind: 'bad-address',
    title: 'A file name cannot be used in a site',
    explanation: 'The path has characters or parts that cannot name a file on an Alternet site.',
    action: 'Check the address, or rename files whose names contain unusual characters.',
    showOwn: true,
  },
  BadRequestPathError: {
    status: 400,
    kind: 'bad-address',
    title: 'This address is not a page of the site',
    explanation:
      'Its path cannot name a page of an Alternet site: paths under /__an/ belong to Alternet itself, and a path may not climb out of the site.',
    action: 'Check the address and try again.',
  },
  MethodNotAllowedError: {
    status: 405,
    kind: 'read-only',
    title: 'This site is read-only',
    explanation: 'An Alternet site can only be read: it takes no forms or uploads.',
    action: 'Go back to the page you came from.',
  },
  RangeNotSatisfiableError: {
    status: 416,
    kind: 'bad-address',
    title: 'That part of the file does not exist',
    explanation: 'The part of the file asked for lies beyond its end.',
    action: 'Reload the page to ask for the whole file.',
  },

  // The name.
  NameNotFoundError: {
    status: 404,
    kind: 'name-not-found',
    title: 'Name not found',
    explanation: 'Nobody has published this name, or its owner stopped renewing it.',
    action:
      'Check the spelling of the name and its topic (the part after the colon), or publish it yourself: the name is free.',
  },
  NoContentError: {
    status: 404,
    kind: 'name-not-found',
    title: 'This name has no site',
    explanation: 'The name is published, but its owner put no site under it.',
    action: 'Check the address, or ask the owner what it should show.',
  },
  RecordExpiredError: {
    kind: 'name-not-found',
    title: 'Name not found',
    explanation: 'The last record of this name has expired: its owner stopped renewing it.',
    action: 'Try again later, when the owner’s tab may have renewed it.',
  },
  NameRevokedError: {
    status: 410,
    kind: 'name-revoked',
    title: 'This name was revoked',
    explanation:
      'A revoker that this network’s relays trust has withdrawn this site, so Alternet will not show it.',
    action: 'If you think this is a mistake, contact the site’s owner through another channel.',
  },
  CnameLoopError: {
    status: 508,
    kind: 'name-loop',
    title: 'This name points in a circle',
    explanation: 'Its aliases lead back to themselves, or through too many other names.',
    action: 'Tell the site’s owner.',
  },
  UnregisteredNameError: {
    kind: 'not-registered',
    title: 'This name is not registered',
    explanation:
      'This network only accepts names registered by a registrar it trusts, and this one is not.',
    action: 'Ask a registrar of this network to register the name, then publish it again.',
  },
  OwnerKeyChangedError: {
    status: 409,
    kind: 'owner-key-changed',
    title: 'The owner’s key changed',
    explanation:
      'This name is now signed by a different key than the one you saw before. Someone else may have taken it over, or the owner replaced their key.',
    action:
      'Compare the fingerprint with its owner, and enter no passwords or personal details until you have.',
  },
  NameContestedError: {
    status: 409,
    kind: 'owner-key-changed',
    title: 'Two owners claim this name',
    explanation:
      'The name servers disagree on who owns it, and this device has not seen it before, so Alternet trusts neither.',
    action: 'Ask the site’s owner for their key fingerprint before you trust either.',
  },
  RevocationCheckFailedError: {
    status: 503,
    kind: 'relay',
    title: 'Could not check whether this name was withdrawn',
    explanation:
      'No relay you trust answered the check for a revocation by a trusted revoker, so Alternet will not show the site until one does.',
    action: 'Try again in a moment, or check your relays in Settings.',
  },
  PinMismatchError: {
    kind: 'owner-key-changed',
    title: 'The owner’s key changed',
    explanation: 'A record of this name arrived under another key than the one you saw first.',
    action: 'Compare the fingerprint with its owner before you trust it.',
  },

  // The hosts and the bytes they sent.
  HostUnreachableError: { status: 502, kind: 'no-host', ...NO_HOST },
  RouteStatusError: { status: 502, kind: 'no-host', ...NO_HOST },
  RouteProtocolError: { status: 502, kind: 'no-host', ...NO_HOST },
  BlockGoneError: { kind: 'no-host', ...NO_HOST },
  MissingBlockError: { kind: 'no-host', ...NO_HOST },
  NodeUnavailableError: {
    kind: 'no-host',
    title: 'Your node is not running in this tab',
    explanation:
      'Sites come through your node, which runs in another tab of this browser or could not start here, and this device kept no copy of this page.',
    action: 'Use Alternet in the tab where it runs, or move it to this tab, then try again.',
  },
  BlockVerificationError: { status: 502, kind: 'verification-failed', ...ALTERED },
  NoiseDecryptError: {
    status: 502,
    kind: 'verification-failed',
    title: 'A connection sent damaged data',
    explanation:
      'A message from another peer failed its encryption check, so Alternet closed that connection and used nothing it sent.',
    action: 'Try again: other peers or relays can serve the site.',
  },
  MalformedManifestError: { status: 502, kind: 'verification-failed', ...ALTERED },
  InvalidSignatureError: {
    kind: 'verification-failed',
    title: 'The signature does not match',
    explanation:
      'The name’s record is not signed by the key it names, so it may have been altered. Alternet refused it.',
    action: 'Try again: another copy of the record may be intact.',
  },
  RecordError: { kind: 'verification-failed', ...BAD_RECORD },
  MalformedRecordError: { kind: 'verification-failed', ...BAD_RECORD },
  RecordTooLargeError: { kind: 'verification-failed', ...BAD_RECORD },
  UnknownRecordTypeError: { kind: 'verification-failed', ...BAD_RECORD },
  RecordLifetimeTooLongError: { kind: 'verification-failed', ...BAD_RECORD },
  RecordFromFutureError: { kind: 'verification-failed', ...BAD_RECORD },
  KeyMismatchError: { kind: 'verification-failed', ...BAD_RECORD },
  UnauthorizedSignerError: {
    kind: 'verification-failed',
    title: 'Signed by the wrong key',
    explanation: 'This record is signed by a key that may not speak for its name.',
    action: 'Tell the site’s owner; only the key that holds a name can sign for it.',
  },

  // Time.
  TimeoutError: {
    status: 504,
    kind: 'timed-out',
    title: 'Timed out',
    explanation: 'It took too long: the network or a host did not answer in time.',
    action: 'Check your connection, then reload the app.',
  },
  RequestTimeoutError: {
    status: 504,
    kind: 'timed-out',
    title: 'Timed out',
    explanation: 'The site’s host took too long to answer; it may be slow or offline.',
    action: 'Check your connection, then reload the app.',
  },
  ResponseTimeoutError: { status: 504, kind: 'timed-out', ...TIMED_OUT },
  LookupTimeoutError: {
    status: 504,
    kind: 'timed-out',
    title: 'The name lookup timed out',
    explanation: 'No relay answered in time.',
    action: 'Check the network status and try again.',
  },
  OfflineError: {
    kind: 'no-host',
    title: 'You’re offline',
    explanation: 'And this site has no copy on this device, so it cannot open without a network.',
    action: 'Connect to a network, then press Retry now or open the site again.',
  },
  NoRelayError: {
    kind: 'no-host',
    title: 'No relay answers',
    explanation:
      'None of your relays can be reached right now, and this site has no copy on this device.',
    action: 'Press Retry now at the top, or check your relays in Settings.',
  },
  BridgeTimeoutError: {
    status: 504,
    kind: 'timed-out',
    title: 'Timed out',
    explanation: 'The browser did not start the site’s frame in time.',
    action: 'Reload to try again.',
  },

  // Site origins.
  NoBridgeError: { status: 503, kind: 'not-in-app', ...NOT_IN_APP },
  BridgeNotConnectedError: { status: 503, kind: 'not-in-app', ...NOT_IN_APP },
  ServiceWorkerUnsupportedError: {
    kind: 'unsupported-browser',
    title: 'This browser cannot show sites safely',
    explanation:
      'It lacks a feature Alternet needs to keep each site apart from the app and from other sites; private browsing often turns it off.',
    action: 'Open Alternet in a current browser, outside private browsing.',
  },
  NodeNotRunningError: {
    kind: 'node-not-running',
    title: 'Your node is not running in this tab',
    explanation: 'Alternet runs in one tab of this browser at a time.',
    action: 'Use Alternet in the tab where it runs, or move it here.',
  },
  // The app's own screens (src/ui/elements/an-app.ts).
  ScreenLoadError: {
    kind: 'unknown',
    title: 'This screen did not load',
    explanation:
      'The app could not fetch this part of itself, perhaps because the network is down.',
    action: 'Check your connection, then reload the app.',
  },

  // Publishing.
  NameHeldError: {
    kind: 'name-held',
    title: 'Another key holds this name',
    explanation: 'Someone else published it, and it stays theirs until its record expires.',
    action: 'Pick another name or topic, or try again once it is free.',
  },
  PublishRefusedError: {
    kind: 'publish-failed',
    title: 'The network did not take the record',
    explanation: 'No name server stored it.',
    action: 'Check that a relay is connected and try again.',
    showOwn: true,
  },
  StopHostingError: {
    kind: 'publish-failed',
    title: 'Hosting did not stop',
    explanation:
      'The name record could not be updated, so this device still hosts the site and nothing was deleted.',
    action: 'Check the network status and try again.',
  },
  HashWorkerError: {
    kind: 'publish-failed',
    title: 'The files could not be prepared',
    explanation: 'Something failed while reading and fingerprinting the files to publish.',
    action: 'Try again; if it keeps happening, reload the app.',
  },
  InvalidSiteFilesError: {
    kind: 'bad-input',
    title: 'These files cannot be published',
    explanation: 'A site needs at least one file.',
    action: 'Pick files or a folder, or write a page.',
    showOwn: true,
  },
  InvalidManifestError: {
    kind: 'bad-input',
    title: 'These files cannot be published',
    explanation:
      'The files break a rule of Alternet sites (two with one name, or too many or too large).',
    action: 'Rename or remove the files named below and try again.',
    showOwn: true,
  },

  // Keys, passphrases and the key file.
  WrongPassphraseError: {
    kind: 'key-file',
    title: 'Wrong passphrase',
    explanation: 'That passphrase does not open this key file.',
    action: 'Check for typos and capital letters.',
  },
  WeakPassphraseError: {
    kind: 'bad-input',
    title: 'That passphrase is too weak',
    explanation: 'It would not protect your key if someone got the file.',
    action: 'Use at least 12 characters; a few unrelated words make a good one.',
  },
  PassphraseMismatchError: {
    kind: 'bad-input',
    title: 'The passphrases differ',
    explanation: 'The two passphrase fields must match.',
    action: 'Type the same passphrase in both fields.',
  },
  NoKeyFileError: {
    kind: 'bad-input',
    title: 'Choose a key file',
    explanation: 'No key file is chosen yet.',
    action: 'Pick the file Alternet exported, then import it.',
  },
  DamagedKeyFileError: {
    kind: 'key-file',
    title: 'This key file is damaged or not a key file',
    explanation: 'It was changed or cut short, or it is another kind of file.',
    action: 'Choose the file Alternet exported, unchanged.',
    showOwn: true,
  },
  SiteOriginsNotClearedError: {
    kind: 'storage',
    title: 'The new key was not accepted',
    explanation:
      'Before a site’s new owner key is trusted, everything the old owner’s site kept in this browser is wiped, and that did not finish.',
    action: 'Reload the app and try again.',
  },
  OwnerKeyInUseError: {
    kind: 'key-file',
    title: 'Your current key still publishes sites',
    explanation: 'Replacing it would stop those names from being republished from here.',
    action: 'Export it first, or confirm that those names will no longer be republished from here.',
    showOwn: true,
  },
  OwnerKeyReplacedError: {
    kind: 'key-file',
    title: 'Your key was replaced meanwhile',
    explanation: 'Another key was imported while this was being done, so it was stopped.',
    action: 'Try again with the key now in use.',
  },

  // This device's storage.
  StorageError: { kind: 'storage', ...FAULT },
  StorageFullError: {
    kind: 'storage',
    title: 'The browser storage is full',
    explanation: 'The browser has no more room for Alternet on this device.',
    action: 'Free some room in Settings (stored content) and try again.',
  },
  StorageUnavailableError: {
    kind: 'storage',
    title: 'This browser gives the app no storage',
    explanation:
      'Private browsing modes often turn storage off, and Alternet cannot keep keys or sites without it.',
    action: 'Open Alternet in a normal window.',
  },
  KeepWorkerError: {
    kind: 'storage',
    title: 'A visited site could not be kept on this device',
    explanation: 'Saving its files for later visits failed. The page you opened was not affected.',
    action: 'Open the site again to keep it, or free some room in Settings.',
  },
  IncompleteSiteError: {
    kind: 'storage',
    title: 'Part of the site is missing on this device',
    explanation: 'Some of its files were not all stored, so it was not kept.',
    action: 'Publish or open the site again.',
  },

  // Relays.
  ApiTokenRefusedError: {
    kind: 'relay',
    title: 'The relay refused the API token',
    explanation: 'The relay did not accept the token sent with the request.',
    action: 'Check the token file, or ask the relay’s operator for a token.',
  },
  ApiPublishRefusedError: {
    kind: 'relay',
    title: 'The relay refused the site',
    explanation: 'The relay’s registrar API did not take the record or its blocks.',
    action: 'Read the relay’s reason below, fix it, and publish again.',
    showOwn: true,
  },
  InvalidRelayError: {
    kind: 'relay',
    title: 'That is not a relay address',
    explanation: 'A relay is named by its https:// web address, or by its full network address.',
    action: 'Copy the address the relay’s operator gives and try again.',
    showOwn: true,
  },
  RelayDocumentError: {
    kind: 'relay',
    title: 'The relay could not be reached',
    explanation: 'Its web address did not answer, or not as an Alternet relay.',
    action: 'Check the address, or try again later.',
  },
  NoDialableAddressError: {
    kind: 'relay',
    title: 'This browser cannot connect to that relay',
    explanation:
      'The relay offers no connection this page may use (for example only unencrypted ones).',
    action: 'Use another relay, or ask its operator to enable secure connections.',
  },

  // Copying a site to mirrors from this device (src/net/mirror/upload-site.ts).
  UploadBlockMissingError: {
    kind: 'storage',
    title: 'Part of this site is missing on this device',
    explanation:
      'A piece of the site was no longer in this browser, so it could not be copied to the mirrors. The site stays published from this device.',
    action: 'Publish the site again from its files.',
  },
  UploadProtocolError: {
    kind: 'relay',
    title: 'A relay did not accept the copy of this site',
    explanation:
      'The relay answered in a way this app does not understand while the site was being copied to it. The site stays published from this device, and other mirrors may still copy it.',
    action: 'Try again later, or use another relay.',
  },

  // The command line (`alternet`, src/node/cli).
  PageNotFoundError: {
    kind: 'name-not-found',
    title: 'No such file in this site',
    explanation: 'The site is there, but it has no file at this path.',
    action: 'Check the path after the site name.',
    showOwn: true,
  },
  UsageError: {
    kind: 'bad-input',
    title: 'The command was not understood',
    explanation: 'A command, an option or an argument is missing, unknown or malformed.',
    action: 'Run it with --help to see what it takes.',
    showOwn: true,
  },
  PassphraseRequiredError: {
    kind: 'bad-input',
    title: 'A passphrase is needed',
    explanation: 'Key files are encrypted with a passphrase, and none was given.',
    action: 'Run the command in a terminal to be asked for it, or set ALTERNET_PASSPHRASE.',
  },
  DataDirInUseError: {
    kind: 'storage',
    title: 'The data directory is in use',
    explanation: 'Another alternet process (alternet host, perhaps) holds this data directory.',
    action: 'Stop it, or give this command another --data-dir.',
    showOwn: true,
  },

  // The relay's HTTP gateway (relay-node/src/gateway).
  TooManyRequestsError: {
    status: 429,
    kind: 'relay',
    title: 'Too many requests',
    explanation: 'This gateway takes a limited number of requests from one address at a time.',
    action: 'Wait a minute and try again.',
  },
  GatewayBusyError: {
    status: 503,
    kind: 'relay',
    title: 'The gateway is busy',
    explanation: 'This gateway is answering as many requests as it can right now.',
    action: 'Try again in a moment.',
  },
  ContentBlockedError: {
    status: 451,
    kind: 'relay',
    title: 'Not served here',
    explanation: 'The operator of this gateway does not serve this site’s content.',
    action: 'Open the site through the Alternet app or another gateway.',
  },

  // The person stopped it.
  AbortError: {
    kind: 'cancelled',
    title: 'Stopped',
    explanation: 'The operation was cancelled.',
    action: 'Start it again when you are ready.',
  },
}

/** The entry for an error name the registry does not know (a fault, or another program's error). */
export const UNKNOWN_ERROR: ErrorEntry = {
  kind: 'unknown',
  title: 'Something went wrong',
  explanation: 'Alternet could not finish this.',
  action: 'Try again in a moment.',
}
