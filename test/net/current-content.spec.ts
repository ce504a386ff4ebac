/**
 * What Update reopens in the editor: a single written `index.html`, or a Markdown page the
 * editor made (its `index.html` marked as the editor's, and `index.md`); nothing for other sites.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CID } from 'multiformats/cid'
import { addFiles } from '../../src/core/content/index.ts'
import { EDITOR_GENERATOR, currentContent } from '../../src/net/hosting/current-content.ts'

const SITE = 'notes:garden'
const MARKED = `<!doctype html><meta name="generator" content="${EDITOR_GENERATOR}"><h1>Hi</h1>`

/** A site published with `files` (path → text), as this device stores it. */
async function published(files: Record<string, string>) {
  const blocks = new Map<string, Uint8Array>()
  const encoder = new TextEncoder()
  const { cid, bytes } = await addFiles(
    Object.entries(files).map(([path, text]) => ({ path, content: encoder.encode(text) })),
    { onBlock: (c, b) => void blocks.set(c.toString(), b) },
  )
  blocks.set(cid.toString(), bytes)
  return currentContent(
    {
      storage: {
        sites: { getPublishedSite: async () => ({ root: cid }) as never },
        blocks: { getBlock: async (c: CID) => blocks.get(c.toString()) },
      },
      // The peer's fetch of the site's own files, as the node answers them.
      fetch: async (url) => {
        const path = url.slice(`an://${SITE}`.length)
        const file = files[path === '/' ? '/index.html' : path]
        return file === undefined ? new Response('', { status: 404 }) : new Response(file)
      },
    },
    SITE,
  )
}

describe('the current content Update reopens', () => {
  it('reopens a single written index.html as HTML', async () => {
    const found = await published({ '/index.html': '<h1>Only</h1>' })
    assert.deepEqual(found, { files: 1, page: '<h1>Only</h1>' })
  })

  it('reopens a Markdown page the editor made, with its Markdown', async () => {
    const found = await published({ '/index.html': MARKED, '/index.md': '# Hi\n' })
    assert.deepEqual(found, { files: 2, page: MARKED, markdown: '# Hi\n' })
  })

  it('leaves an index.md published from files to the file pickers', async () => {
    const found = await published({ '/index.html': '<h1>Mine</h1>', '/index.md': '# Notes\n' })
    assert.deepEqual(found, { files: 2 })
  })

  it('leaves a site of other files to the file pickers', async () => {
    const found = await published({ '/index.html': MARKED, '/style.css': 'h1{}' })
    assert.deepEqual(found, { files: 2 })
  })
})
