// @ts-check
/**
 * Draws the app icons (public/icons/*.png) with nothing but Node's zlib: a white ring of
 * connected nodes on the app's green. `icon-*.png` have rounded corners (purpose "any");
 * `maskable-*.png` fill the whole square and keep the drawing inside the maskable safe zone
 * (the centre circle of 80 % diameter). Run: `node scripts/make-icons.mjs`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

const OUT = join(import.meta.dirname, '..', 'public', 'icons')
/** The theme green, as in the manifest. */
const GREEN = [0x0b, 0x6e, 0x4f]
const WHITE = [0xff, 0xff, 0xff]
/** Samples per pixel side, for smooth edges. */
const SUPERSAMPLE = 4

/** CRC-32 as PNG chunks need it. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
/** @param {Buffer} bytes */
function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}
/** An RGBA PNG. @param {number} size @param {Uint8Array} rgba */
function png(size, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size)
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0 // no filter
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** Distance from point p to segment ab. @param {number[]} p @param {number[]} a @param {number[]} b */
function segmentDistance(p, a, b) {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]]
  const t = Math.max(
    0,
    Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)),
  )
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
}

/** Six nodes on a ring, joined to each other and to the centre. */
const NODES = Array.from({ length: 6 }, (_, i) => {
  const angle = (i / 6) * 2 * Math.PI - Math.PI / 2
  return [Math.cos(angle) * 0.3, Math.sin(angle) * 0.3]
})
const EDGES = NODES.flatMap((node, i) => [
  [node, NODES[(i + 1) % NODES.length]],
  [node, [0, 0]],
])

/**
 * Whether a point (in units where the icon spans -0.5..0.5) is background, drawing or outside.
 * @param {number} x @param {number} y @param {boolean} maskable
 * @returns {'out' | 'bg' | 'fg'}
 */
function shade(x, y, maskable) {
  // "any" icons: a rounded square; maskable: the whole square (the platform masks it).
  if (!maskable) {
    const r = 0.2
    const qx = Math.max(Math.abs(x) - (0.5 - r), 0)
    const qy = Math.max(Math.abs(y) - (0.5 - r), 0)
    if (Math.hypot(qx, qy) > r) return 'out'
  }
  // Maskable: shrink the drawing into the safe zone.
  const scale = maskable ? 0.8 : 1
  const p = [x / scale, y / scale]
  if (Math.hypot(p[0], p[1]) < 0.075) return 'fg'
  for (const node of NODES) if (Math.hypot(p[0] - node[0], p[1] - node[1]) < 0.06) return 'fg'
  for (const [a, b] of EDGES) if (segmentDistance(p, a, b) < 0.018) return 'fg'
  return 'bg'
}

/** @param {number} size @param {boolean} maskable */
function draw(size, maskable) {
  const rgba = new Uint8Array(size * size * 4)
  const n = SUPERSAMPLE * SUPERSAMPLE
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let fg = 0
      let bg = 0
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) / size - 0.5
          const y = (py + (sy + 0.5) / SUPERSAMPLE) / size - 0.5
          const s = shade(x, y, maskable)
          if (s === 'fg') fg++
          else if (s === 'bg') bg++
        }
      }
      const covered = fg + bg
      const o = (py * size + px) * 4
      for (let c = 0; c < 3; c++)
        rgba[o + c] = covered === 0 ? 0 : Math.round((GREEN[c] * bg + WHITE[c] * fg) / covered)
      rgba[o + 3] = Math.round((255 * covered) / n)
    }
  }
  return png(size, rgba)
}

for (const size of [192, 512]) {
  writeFileSync(join(OUT, `icon-${size}.png`), draw(size, false))
  writeFileSync(join(OUT, `maskable-${size}.png`), draw(size, true))
}
writeFileSync(join(OUT, 'apple-touch-icon.png'), draw(180, true))
console.log(`Icons written to ${OUT}`)
