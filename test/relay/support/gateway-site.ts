/**
 * The site gateway specs publish: an HTML page with a stylesheet, a PNG image and a script that
 * renames it (so a browser with JavaScript off is seen to be off), a folder with its index, the
 * site's 404 page, and a file of several chunks.
 * @module
 */
import { crc32, deflateSync } from 'node:zlib'
import { utf8 } from '../../../src/core/bytes.ts'
import { CHUNK_SIZE } from '../../../src/core/content/index.ts'
import { pattern } from '../../net/hosting-support.ts'

/** A PNG image of `width` × `height` pixels, every pixel the colour `rgb`. */
export function png(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8 bits, truecolour, no interlace
  const rows = Buffer.alloc(height * (1 + 3 * width))
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows.set(rgb, y * (1 + 3 * width) + 1 + 3 * x)
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  )
}

/** A file of several chunks, its last one short. */
export const BIG = pattern(3 * CHUNK_SIZE + 777, 5)

/** The page's heading colour, set by its stylesheet. */
export const HEADING_COLOUR = 'rgb(10, 120, 30)'

/** The files of the gateway specs' site. */
export const GATEWAY_FILES: Record<string, Uint8Array> = {
  '/index.html': utf8(
    '<!doctype html><html><head><meta charset="utf-8"><title>Gateway page</title>' +
      '<link rel="stylesheet" href="style.css"></head>' +
      '<body><h1 id="title">Served by the gateway</h1><img id="picture" src="img.png" alt="a square">' +
      '<p><a href="docs">Docs</a></p><script>document.title = "scripts ran"</script></body></html>',
  ),
  '/style.css': utf8(`h1 { color: ${HEADING_COLOUR}; }\n`),
  '/img.png': png(8, 6, [200, 30, 40]),
  '/docs/index.html': utf8('<!doctype html><title>Docs</title><h1>Docs</h1>'),
  '/404.html': utf8('<!doctype html><title>Missing</title><h1>No such page here</h1>'),
  '/big.bin': BIG,
}
