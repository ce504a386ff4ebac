/**
 * The site people publish in the UI tests, written as a real folder (the folder picker needs
 * one): a page with a stylesheet, a script, an image, and a page in a sub-folder.
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

/** The heading colour the stylesheet sets, as `getComputedStyle` reports it. */
export const HEADING_COLOUR = 'rgb(200, 30, 90)'
/** What the script writes into `#js`. */
export const SCRIPT_TEXT = 'the script ran'
/** The image's size in pixels. */
export const IMAGE_SIZE = 24
/** The sub-folder page's heading. */
export const SUBPAGE_HEADING = 'A page in a sub-folder'

/** CRC-32 of PNG chunks. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/** A square RGB PNG of one colour. */
export function solidPng(size: number, rgb: [number, number, number]): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8
  header[9] = 2
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: size }, () => rgb).flat()),
  ])
  const raw = Buffer.concat(Array.from({ length: size }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** The files of the test site, by path. */
export function siteFiles(
  title = 'A site published from a browser',
): Record<string, string | Buffer> {
  return {
    'index.html': `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="style.css"></head>
<body>
  <h1>${title}</h1>
  <p id="js">the script did not run</p>
  <img id="logo" src="images/logo.png" alt="logo" width="${IMAGE_SIZE}" height="${IMAGE_SIZE}">
  <p><a href="docs/page.html">Sub page</a></p>
  <script src="app.js"></script>
</body>
</html>
`,
    'style.css': `h1 { color: ${HEADING_COLOUR}; }\n`,
    'app.js': `document.getElementById('js').textContent = ${JSON.stringify(SCRIPT_TEXT)}\n`,
    'images/logo.png': solidPng(IMAGE_SIZE, [30, 120, 200]),
    'docs/page.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sub page</title><link rel="stylesheet" href="../style.css"></head>
<body><h1>${SUBPAGE_HEADING}</h1><p><a href="../index.html">Home</a></p></body></html>
`,
  }
}

/** Writes the test site into a new temp folder `<tmp>/mysite/`; returns that folder. */
export async function writeSiteFolder(
  title?: string,
): Promise<{ dir: string; remove(): Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'an-ui-site-'))
  const dir = join(base, 'mysite')
  for (const [path, content] of Object.entries(siteFiles(title))) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  return { dir, remove: () => rm(base, { recursive: true, force: true }) }
}
