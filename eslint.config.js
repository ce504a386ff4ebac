// @ts-check
import tseslint from 'typescript-eslint'

/** Packages that touch the DOM, the network stack or browser storage: never in src/core. */
const CORE_FORBIDDEN = [
  {
    group: ['libp2p', '@libp2p/*', '@chainsafe/*', '@multiformats/multiaddr*'],
    message: 'src/core is runtime-neutral: no libp2p.',
  },
  {
    group: ['idb-keyval', 'idb', 'datastore-*', 'classic-level', 'level'],
    message: 'src/core does no I/O: no storage.',
  },
  { group: ['lit', 'lit/*', '@lit/*', 'workbox-*'], message: 'src/core has no DOM.' },
  { group: ['node:*'], message: 'src/core runs in browsers too: no Node built-ins.' },
  {
    group: ['../net/*', '../storage/*', '../ui/*', '../../net/*', '../../storage/*', '../../ui/*'],
    message: 'src/core imports only src/core.',
  },
]

/** The relay reaches the browser's code only through the workspace packages, never by path. */
const RELAY_FORBIDDEN = [
  {
    group: ['**/src/*'],
    message:
      'relay-node imports the shared code by package name: @alternet/core/…, @alternet/net/…, @alternet/origins/shared.',
  },
]

/**
 * The app shell talks to the peer through its door, src/net/index.ts, and loads the peer's code
 * through src/net/load-page-peer.ts: no part of the peer
 * (naming, relays, node, storage) and no network or storage package. The core (pure) and the
 * shell's side of site origins (src/origins) stay open to it.
 */
const UI_FORBIDDEN = [
  {
    group: ['**/net/*', '!**/net/index.ts', '!**/net/load-page-peer.ts'],
    message:
      'src/ui uses the peer through src/net/index.ts only (and loads its code with src/net/load-page-peer.ts): ask the peer for the action.',
  },
  {
    group: ['**/storage/*', '**/storage'],
    message: 'src/ui reaches the store through the peer (src/net/index.ts).',
  },
  {
    group: ['libp2p', '@libp2p/*', '@chainsafe/*', 'idb-keyval', 'idb'],
    message: 'src/ui uses no network or storage package: the peer does.',
  },
]

/** Node built-ins by their bare names (patterns would also match our own folders, e.g. ./crypto). */
const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'buffer',
  'child_process',
  'worker_threads',
].map((name) => ({
  name,
  message: 'src/core runs in browsers too: no Node built-ins.',
}))

/** DOM globals src/core must not use (it also runs in Node and the service worker). */
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'location',
  'HTMLElement',
  'customElements',
].map((name) => ({
  name,
  message: 'src/core is runtime-neutral: no DOM.',
}))

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bench/results/**', '**/*.d.ts', 'relay-node/bin/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: CORE_FORBIDDEN, paths: NODE_BUILTINS }],
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
    },
  },
  {
    files: ['relay-node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: RELAY_FORBIDDEN }],
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: UI_FORBIDDEN }],
    },
  },
)
