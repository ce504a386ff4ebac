/**
 * Media types of common web files, by extension. The publisher records the type in the
 * manifest; visitors serve what the manifest says, so this table only matters when publishing.
 * @module
 */
import { DEFAULT_MEDIA_TYPE } from './constants.ts'

const UTF8 = '; charset=utf-8'

/** Extension (lowercase, no dot) → media type. Text formats carry `charset=utf-8`. */
export const MEDIA_TYPES: Readonly<Record<string, string>> = Object.freeze({
  html: `text/html${UTF8}`,
  htm: `text/html${UTF8}`,
  css: `text/css${UTF8}`,
  js: `text/javascript${UTF8}`,
  mjs: `text/javascript${UTF8}`,
  cjs: `text/javascript${UTF8}`,
  json: `application/json${UTF8}`,
  map: `application/json${UTF8}`,
  webmanifest: `application/manifest+json${UTF8}`,
  jsonld: `application/ld+json${UTF8}`,
  xml: `application/xml${UTF8}`,
  rss: `application/rss+xml${UTF8}`,
  atom: `application/atom+xml${UTF8}`,
  svg: `image/svg+xml${UTF8}`,
  txt: `text/plain${UTF8}`,
  md: `text/markdown${UTF8}`,
  csv: `text/csv${UTF8}`,
  vtt: `text/vtt${UTF8}`,
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
})

/**
 * Media type for a file path, from its extension (case-insensitive);
 * `application/octet-stream` when unknown.
 * @example mediaTypeFor('/index.html') // 'text/html; charset=utf-8'
 */
export function mediaTypeFor(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return DEFAULT_MEDIA_TYPE
  const extension = name.slice(dot + 1).toLowerCase()
  return Object.hasOwn(MEDIA_TYPES, extension) ? MEDIA_TYPES[extension] : DEFAULT_MEDIA_TYPE
}
