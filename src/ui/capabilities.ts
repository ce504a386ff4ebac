/**
 * What the app needs from the browser, checked up front so that a missing part is said
 * plainly on screen instead of failing somewhere deep in the node.
 * @module
 */

/** One browser feature the app relies on. */
export interface Capability {
  /** Stable id, used in tests and as a key. */
  id: 'indexeddb' | 'webrtc' | 'service-worker' | 'web-locks' | 'secure-context'
  /** What the person would call it. */
  label: string
  /** What stops working without it, in a sentence. */
  consequence: string
  /** Whether the app cannot start its node at all without it. */
  essential: boolean
}

/** Everything the app checks for. */
export const CAPABILITIES: readonly Capability[] = [
  {
    id: 'secure-context',
    label: 'a secure connection (https)',
    consequence:
      'Browsers only give keys, storage and offline use to pages served over https (or from this computer).',
    essential: true,
  },
  {
    id: 'indexeddb',
    label: 'IndexedDB storage',
    consequence:
      'Your keys and the sites you publish cannot be stored, so the node cannot start. Private browsing modes often turn it off.',
    essential: true,
  },
  {
    id: 'webrtc',
    label: 'WebRTC',
    consequence:
      'This tab cannot connect to other people directly, so it can neither host sites nor fetch them from other browsers.',
    essential: true,
  },
  {
    id: 'service-worker',
    label: 'way to show sites safely',
    consequence:
      'This browser cannot keep each site apart from the app and from other sites (it lacks service workers, often turned off in private browsing), so sites cannot be opened here and the app does not work offline. You can still publish and manage your names.',
    essential: false,
  },
  {
    id: 'web-locks',
    label: 'Web Locks',
    consequence:
      'The app cannot make sure only one tab runs your node; keep Alternet open in a single tab.',
    essential: false,
  },
]

/** Whether `capability` is present in `scope` (the window by default). */
export function hasCapability(
  id: Capability['id'],
  scope: Window & typeof globalThis = window,
): boolean {
  switch (id) {
    case 'secure-context':
      return scope.isSecureContext
    case 'indexeddb':
      return typeof scope.indexedDB !== 'undefined' && scope.indexedDB !== null
    case 'webrtc':
      return typeof scope.RTCPeerConnection === 'function'
    case 'service-worker':
      return 'serviceWorker' in scope.navigator && scope.navigator.serviceWorker != null
    case 'web-locks':
      return 'locks' in scope.navigator && scope.navigator.locks != null
  }
}

/** The capabilities this browser lacks. */
export function missingCapabilities(scope: Window & typeof globalThis = window): Capability[] {
  return CAPABILITIES.filter((capability) => !hasCapability(capability.id, scope))
}
