import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { NOT_FOUND_PAGE_TYPE, notFoundPage } from '../../src/core/http/index.ts'

describe('core: the page for a path a site does not have', () => {
  it('names the site and the path in words, links the site’s home, and runs no script', () => {
    const page = notFoundPage('alice:blog', '/caf%C3%A9/about.html')
    assert.ok(page.startsWith('<!doctype html>'))
    assert.ok(page.includes('<html lang="en"'))
    assert.ok(page.includes('<h1>Page not found</h1>'))
    assert.ok(page.includes('<code>/café/about.html</code>'), 'the path reads decoded')
    assert.ok(page.includes('an://alice:blog/caf%C3%A9/about.html'), 'the full address as it was')
    assert.ok(page.includes('<a class="home" href="/">Go to the home page of alice:blog</a>'))
    assert.ok(page.includes('prefers-color-scheme: dark'), 'styled for dark mode too')
    assert.ok(!/<script/i.test(page), 'no script')
    assert.equal(NOT_FOUND_PAGE_TYPE, 'text/html; charset=utf-8')
  })

  it('escapes what it shows, and shows a path that does not decode as it came', () => {
    const page = notFoundPage('alice:blog', '/%E0%A4%A/<img src=x onerror=alert(1)>')
    assert.ok(!page.includes('<img'), 'markup in the path is escaped')
    assert.ok(page.includes('/%E0%A4%A/&#60;img'), 'shown as it came, escaped')
  })
})
