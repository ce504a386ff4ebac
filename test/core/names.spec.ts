import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import vectors from '../vectors/names.json' with { type: 'json' }
import {
  InvalidNameError,
  MAX_ADDRESS_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_ORIGIN_LABEL_LENGTH,
  MAX_SITE_NAME_LENGTH,
  MAX_SUBDOMAINS,
  formatAddress,
  formatSiteName,
  fromOriginLabel,
  isSubdomain,
  parseAddress,
  parseSiteName,
  punycodeDecode,
  punycodeEncode,
  rootSiteName,
  toOriginLabel,
  toUnicodeAddress,
  toUnicodeSiteName,
} from '../../src/core/names/index.ts'

interface Vector {
  input: string
  valid: boolean
  error: string | null
  reason: string | null
  canonical: string | null
  name: string | null
  topic: string | null
  subdomains: string[] | null
  path: string | null
  originLabel: string | null
}

/** Asserts that `fn` throws InvalidNameError with `reason`; returns the error. */
function refuses(fn: () => unknown, reason: string): InvalidNameError {
  const error = assert.throws(fn, 'InvalidNameError') as InvalidNameError
  assert.equal(
    error.reason,
    reason,
    `expected reason ${reason}, got ${error.reason}: ${error.message}`,
  )
  return error
}

// RFC 3492 section 7.1 sample strings (A) to (S).
const RFC_3492_SAMPLES: Array<[label: string, decoded: string, encoded: string]> = [
  [
    'A Arabic (Egyptian)',
    '\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F',
    'egbpdaj6bu4bxfgehfvwxn',
  ],
  [
    'B Chinese (simplified)',
    '\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587',
    'ihqwcrb4cv8a8dqg056pqjye',
  ],
  [
    'C Chinese (traditional)',
    '\u4ED6\u5011\u7232\u4EC0\u9EBD\u4E0D\u8AAA\u4E2D\u6587',
    'ihqwctvzc91f659drss3x8bo0yb',
  ],
  ['D Czech', 'Pro\u010Dprost\u011Bnemluv\u00ED\u010Desky', 'Proprostnemluvesky-uyb24dma41a'],
  [
    'E Hebrew',
    '\u05DC\u05DE\u05D4\u05D4\u05DD\u05E4\u05E9\u05D5\u05D8\u05DC\u05D0\u05DE\u05D3\u05D1\u05E8\u05D9\u05DD\u05E2\u05D1\u05E8\u05D9\u05EA',
    '4dbcagdahymbxekheh6e0a7fei0b',
  ],
  [
    'F Hindi (Devanagari)',
    '\u092F\u0939\u0932\u094B\u0917\u0939\u093F\u0928\u094D\u0926\u0940\u0915\u094D\u092F\u094B\u0902\u0928\u0939\u0940\u0902\u092C\u094B\u0932\u0938\u0915\u0924\u0947\u0939\u0948\u0902',
    'i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd',
  ],
  [
    'G Japanese (kanji and hiragana)',
    '\u306A\u305C\u307F\u3093\u306A\u65E5\u672C\u8A9E\u3092\u8A71\u3057\u3066\u304F\u308C\u306A\u3044\u306E\u304B',
    'n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa',
  ],
  [
    'H Korean (Hangul syllables)',
    '\uC138\uACC4\uC758\uBAA8\uB4E0\uC0AC\uB78C\uB4E4\uC774\uD55C\uAD6D\uC5B4\uB97C\uC774\uD574\uD55C\uB2E4\uBA74\uC5BC\uB9C8\uB098\uC88B\uC744\uAE4C',
    '989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c',
  ],
  [
    'I Russian (Cyrillic)',
    '\u043F\u043E\u0447\u0435\u043C\u0443\u0436\u0435\u043E\u043D\u0438\u043D\u0435\u0433\u043E\u0432\u043E\u0440\u044F\u0442\u043F\u043E\u0440\u0443\u0441\u0441\u043A\u0438',
    // The RFC writes 'D' here as a mixed-case annotation, which this encoder does not produce.
    'b1abfaaepdrnnbgefbadotcwatmq2g4l',
  ],
  [
    'J Spanish',
    'Porqu\u00E9nopuedensimplementehablarenEspa\u00F1ol',
    'PorqunopuedensimplementehablarenEspaol-fmd56a',
  ],
  [
    'K Vietnamese',
    'T\u1EA1isaoh\u1ECDkh\u00F4ngth\u1EC3ch\u1EC9n\u00F3iti\u1EBFngVi\u1EC7t',
    'TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g',
  ],
  [
    'L 3<nen>B<gumi><kinpachi><sensei>',
    '3\u5E74B\u7D44\u91D1\u516B\u5148\u751F',
    '3B-ww4c5e180e575a65lsy2b',
  ],
  [
    'M <amuro><namie>-with-SUPER-MONKEYS',
    '\u5B89\u5BA4\u5948\u7F8E\u6075-with-SUPER-MONKEYS',
    '-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n',
  ],
  [
    'N Hello-Another-Way-<sorezore><no><basho>',
    'Hello-Another-Way-\u305D\u308C\u305E\u308C\u306E\u5834\u6240',
    'Hello-Another-Way--fc4qua05auwb3674vfr0b',
  ],
  [
    'O <hitotsu><yane><no><shita>2',
    '\u3072\u3068\u3064\u5C4B\u6839\u306E\u4E0B2',
    '2-u9tlzr9756bt3uc0v',
  ],
  [
    'P Maji<de>Koi<suru>5<byou><mae>',
    'Maji\u3067Koi\u3059\u308B5\u79D2\u524D',
    'MajiKoi5-783gue6qz075azm5e',
  ],
  ['Q <pafii>de<runba>', '\u30D1\u30D5\u30A3\u30FCde\u30EB\u30F3\u30D0', 'de-jg4avhby1noc0d'],
  ['R <sono><supiido><de>', '\u305D\u306E\u30B9\u30D4\u30FC\u30C9\u3067', 'd9juau41awczczp'],
  ['S -> $1.00 <-', '-> $1.00 <-', '-> $1.00 <--'],
]

describe('punycode', () => {
  for (const [label, decoded, encoded] of RFC_3492_SAMPLES) {
    it(`encodes and decodes RFC 3492 sample ${label}`, () => {
      assert.equal(punycodeEncode(decoded), encoded)
      assert.equal(punycodeDecode(encoded), decoded)
    })
  }

  it("decodes the RFC's mixed-case annotation of sample I as the same text", () => {
    assert.equal(punycodeDecode('b1abfaaepdrnnbgefbaDotcwatmq2g4l'), RFC_3492_SAMPLES[8][1])
  })

  it('encodes code points outside the Basic Multilingual Plane', () => {
    assert.equal(punycodeDecode(punycodeEncode('\u{29E3D}日本語')), '\u{29E3D}日本語')
  })

  it('refuses a character that is not a base-36 digit', () => {
    refuses(() => punycodeDecode('a-!'), 'bad-punycode')
  })

  it('refuses input that ends in the middle of a number', () => {
    refuses(() => punycodeDecode('bcher-kv'), 'bad-punycode')
  })

  it('refuses input that overflows', () => {
    refuses(() => punycodeDecode('99999999999'), 'bad-punycode')
  })

  it('refuses a non-ASCII character before the delimiter', () => {
    refuses(() => punycodeDecode('ü-a'), 'bad-punycode')
  })
})

describe('parseAddress', () => {
  it('parses a full address into its parts', () => {
    assert.deepEqual(parseAddress('an://api.mysite:code/docs/a?x=1#top'), {
      subdomains: ['api'],
      name: 'mysite',
      topic: 'code',
      site: 'api.mysite:code',
      path: '/docs/a',
      query: '?x=1',
      fragment: '#top',
      href: 'an://api.mysite:code/docs/a?x=1#top',
    })
  })

  it('makes a missing path /', () => {
    assert.equal(parseAddress('an://mysite:code').path, '/')
    assert.equal(parseAddress('mysite:code?q').href, 'an://mysite:code/?q')
  })

  it('lowercases the scheme and the site but keeps the case of path, query and fragment', () => {
    assert.equal(
      parseAddress('AN://Api.MySite:CODE/Read.Me?A=B#C').href,
      'an://api.mysite:code/Read.Me?A=B#C',
    )
  })

  it('accepts web+an: with and without //, in any case', () => {
    for (const input of [
      'web+an://mysite:code/x',
      'web+an:mysite:code/x',
      'WEB+AN://mysite:code/x',
      'Web+An:mysite:code/x',
    ]) {
      assert.equal(parseAddress(input).href, 'an://mysite:code/x', input)
    }
  })

  it('accepts the whole address percent-encoded once, as a protocol handler passes it', () => {
    assert.equal(parseAddress('web+an%3A%2F%2Fmysite%3Acode').href, 'an://mysite:code/')
    assert.equal(parseAddress('web%2Ban%3Amysite%3Acode%2Fdocs').href, 'an://mysite:code/docs')
    assert.equal(parseAddress('an%3A%2F%2Fmysite%3Acode').href, 'an://mysite:code/')
  })

  it('decodes the percent-encoded form only once', () => {
    assert.equal(parseAddress('web+an%3A%2F%2Fmysite%3Acode%2Fa%2520b').path, '/a%20b')
    refuses(() => parseAddress('web+an%3A%2F%2Fmy%2573ite%3Acode'), 'percent-encoded')
  })

  it('refuses a percent-encoded form that does not decode', () => {
    refuses(() => parseAddress('web+an%3A%2F%2Fmysite%3Acode%E0%A4%A'), 'bad-percent-encoding')
  })

  it('reads an: without // as the bare site name whose name is an', () => {
    assert.equal(parseAddress('an:code').site, 'an:code')
  })

  it('accepts a bare site name with path, query and fragment', () => {
    assert.equal(parseAddress('mysite:code/path?x#y').href, 'an://mysite:code/path?x#y')
  })

  it('refuses another scheme', () => {
    refuses(() => parseAddress('https://mysite:code/'), 'bad-scheme')
  })

  it('refuses an empty address and an address with no site', () => {
    refuses(() => parseAddress(''), 'empty')
    refuses(() => parseAddress('an://'), 'missing-name')
    refuses(() => parseAddress('an:///x'), 'missing-name')
  })

  it('refuses a site with no topic', () => {
    refuses(() => parseAddress('an://mysite/page'), 'missing-topic')
  })

  it('refuses an empty label', () => {
    for (const input of ['an://:code', 'an://a:', 'an://a..b:c', 'an://.a:b', 'an://a.:b']) {
      refuses(() => parseAddress(input), 'empty-label')
    }
  })

  it('refuses a second colon, which also rules out ports', () => {
    refuses(() => parseAddress('an://a:b:c'), 'extra-colon')
    refuses(() => parseAddress('an://mysite:code:443/'), 'extra-colon')
  })

  it('refuses userinfo', () => {
    refuses(() => parseAddress('an://u@a:b'), 'userinfo')
    refuses(() => parseAddress('an://u:p@a:b'), 'userinfo')
  })

  it('refuses a label with a leading hyphen', () => {
    refuses(() => parseAddress('an://-abc:code'), 'leading-hyphen')
    refuses(() => parseAddress('an://-x.abc:code'), 'leading-hyphen')
    refuses(() => parseAddress('an://abc:-code'), 'leading-hyphen')
  })

  it('refuses a label with a trailing hyphen', () => {
    refuses(() => parseAddress('an://abc-:code'), 'trailing-hyphen')
    refuses(() => parseAddress('an://abc:code-'), 'trailing-hyphen')
  })

  it('accepts hyphens inside names and topics', () => {
    assert.equal(parseAddress('my--web-site:my-topic').site, 'my--web-site:my-topic')
  })

  it(`refuses a label over ${MAX_LABEL_LENGTH} characters before the site's length`, () => {
    // A label of 63 passes the label rule; its site then needs 66 characters of origin label.
    refuses(() => parseAddress(`${'a'.repeat(MAX_LABEL_LENGTH)}:b`), 'origin-label-too-long')
    refuses(() => parseAddress(`${'a'.repeat(MAX_LABEL_LENGTH + 1)}:b`), 'label-too-long')
    assert.equal(parseAddress(`${'a'.repeat(60)}:b`).name.length, 60)
  })

  it(`accepts ${MAX_SUBDOMAINS} subdomains and refuses more`, () => {
    const subs = Array.from({ length: MAX_SUBDOMAINS }, (_, i) => `s${i}`).join('.')
    assert.equal(parseAddress(`${subs}.n:t`).subdomains.length, MAX_SUBDOMAINS)
    refuses(() => parseAddress(`x.${subs}.n:t`), 'too-many-labels')
  })

  it(`refuses a site name over ${MAX_SITE_NAME_LENGTH} characters, and a shorter one that cannot be served`, () => {
    const a63 = 'a'.repeat(63)
    const site = `${a63}.${a63}.${a63}.${'b'.repeat(59)}:c`
    assert.equal(site.length, MAX_SITE_NAME_LENGTH)
    refuses(() => parseAddress(site), 'origin-label-too-long')
    refuses(() => parseAddress(`${a63}.${a63}.${a63}.${'b'.repeat(60)}:c`), 'name-too-long')
  })

  it(`refuses every site whose origin label would be over ${MAX_ORIGIN_LABEL_LENGTH} characters, in words a person follows`, () => {
    assert.equal(parseSiteName(`${'a'.repeat(57)}:code`).site.length, 62)
    for (const site of [
      `${'a'.repeat(58)}:code`,
      `${'a-'.repeat(14)}ab:code`,
      'bücher.bücher.bücher:code',
    ]) {
      const error = refuses(() => parseSiteName(site), 'origin-label-too-long')
      assert.match(error.message, /^Too long to open in a browser: .* must fit in 63 characters/)
      assert.ok(!/InvalidNameError|origin-label/.test(error.message), error.message)
    }
    // Every way in goes through the same grammar.
    refuses(() => parseAddress(`an://${'a'.repeat(58)}:code/x`), 'origin-label-too-long')
    refuses(
      () => formatSiteName({ subdomains: [], name: 'a'.repeat(58), topic: 'code' }),
      'origin-label-too-long',
    )
    refuses(() => toOriginLabel(`${'a'.repeat(58)}:code`), 'origin-label-too-long')
  })

  it(`refuses an address longer than ${MAX_ADDRESS_LENGTH} bytes of UTF-8`, () => {
    const head = 'a:b/'
    assert.equal(
      parseAddress(head + 'x'.repeat(MAX_ADDRESS_LENGTH - head.length)).path.length,
      MAX_ADDRESS_LENGTH - 3,
    )
    refuses(
      () => parseAddress(head + 'x'.repeat(MAX_ADDRESS_LENGTH - head.length + 1)),
      'address-too-long',
    )
    refuses(() => parseAddress(head + 'é'.repeat(MAX_ADDRESS_LENGTH / 2)), 'address-too-long')
  })

  it('refuses whitespace and control characters in the site', () => {
    for (const c of [
      ' ',
      '\t',
      '\n',
      '\r',
      '\0',
      '\x7f',
      '\x85',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\ufeff',
      '\u200b',
      '\u200d',
      '\u202e',
    ]) {
      refuses(() => parseAddress(`an://my${c}site:code`), 'bad-character')
      refuses(() => parseAddress(`${c}mysite:code`), 'bad-character')
      refuses(() => parseAddress(`mysite:code${c}`), 'bad-character')
    }
  })

  it('refuses whitespace and control characters in path, query and fragment', () => {
    for (const c of [
      ' ',
      '\t',
      '\n',
      '\r',
      '\0',
      '\x1b',
      '\x7f',
      '\x85',
      '\u00a0',
      '\u2028',
      '\u3000',
    ]) {
      refuses(() => parseAddress(`an://mysite:code/a${c}b`), 'bad-path')
      refuses(() => parseAddress(`an://mysite:code/?a${c}b`), 'bad-path')
      refuses(() => parseAddress(`an://mysite:code/#a${c}b`), 'bad-path')
    }
  })

  it('refuses a lone surrogate anywhere', () => {
    refuses(() => parseAddress('an://a\ud800b:code'), 'bad-character')
    refuses(() => parseAddress('an://mysite:code/\udc00'), 'bad-path')
  })

  it('refuses a backslash and a stray % in the path', () => {
    refuses(() => parseAddress('an://mysite:code/a\\b'), 'bad-path')
    refuses(() => parseAddress('an://mysite:code/100%'), 'bad-path')
    refuses(() => parseAddress('an://mysite:code/%4'), 'bad-path')
  })

  it('refuses percent-encoding in the site', () => {
    refuses(() => parseAddress('an://my%73ite:code'), 'percent-encoded')
    refuses(() => parseAddress('an://mysite%3Acode'), 'percent-encoded')
  })

  it('refuses characters other than letters, digits and hyphens in a label', () => {
    for (const c of ['_', '!', '$', '*', '+', ',', ';', '=', '[', ']', '~', "'", '"', '<', '\\']) {
      refuses(() => parseAddress(`an://a${c}b:code`), 'bad-character')
    }
  })

  it('keeps percent-escapes in the path and percent-encodes raw non-ASCII', () => {
    const address = parseAddress('an://a:b/caf%C3%A9/é?q=é#é')
    assert.equal(address.path, '/caf%C3%A9/%C3%A9')
    assert.equal(address.query, '?q=%C3%A9')
    assert.equal(address.fragment, '#%C3%A9')
  })

  it('leaves dot segments in the path to the content layer', () => {
    assert.equal(parseAddress('a:b/x/../y').path, '/x/../y')
  })

  it('drops an empty query and an empty fragment', () => {
    assert.equal(parseAddress('a:b/x?#').href, 'an://a:b/x')
  })

  it('encodes a Unicode label as Punycode after lowercasing and NFC', () => {
    const nfc = parseAddress('Bücher:code')
    const nfd = parseAddress('BU\u0308CHER:code')
    assert.equal(nfc.name, 'xn--bcher-kva')
    assert.equal(nfd.name, 'xn--bcher-kva')
  })

  it('accepts an xn-- label that is the canonical form of a Unicode label', () => {
    assert.equal(parseAddress('XN--BCHER-KVA:code').site, 'xn--bcher-kva:code')
  })

  it('refuses an xn-- label that does not decode to its own canonical form', () => {
    for (const label of [
      'xn--abc',
      'xn--wca',
      'xn--bucher-xyd',
      'xn--ls8h',
      'xn--99999999999',
      'xn--bcher-kv',
      `xn--${punycodeEncode('ｍｙ')}`,
    ]) {
      refuses(() => parseAddress(`${label}:code`), 'bad-punycode')
    }
  })

  it('refuses emoji, symbols and compatibility characters such as fullwidth letters', () => {
    for (const name of ['😀', 'a♥b', 'ｍｙｓｉｔｅ', 'a²', 'ﬁle', '①']) {
      refuses(() => parseAddress(`${name}:code`), 'bad-character')
    }
  })

  it('refuses a label that starts with a combining mark', () => {
    refuses(() => parseAddress('\u0301a:code'), 'bad-character')
  })

  it('refuses a Unicode label whose Punycode form is too long', () => {
    refuses(() => parseAddress(`${'ü'.repeat(60)}:code`), 'label-too-long')
  })

  it('gives every refusal a message that names the problem without raw control characters', () => {
    for (const v of (vectors as { vectors: Vector[] }).vectors) {
      if (v.valid) continue
      const error = refuses(() => parseAddress(v.input), v.reason!)
      assert.ok(error instanceof InvalidNameError && error instanceof Error)
      assert.ok(error.message.length > 10, error.message)
      assert.ok(
        !/[\p{Cc}]/u.test(error.message),
        `control character in ${JSON.stringify(error.message)}`,
      )
      assert.ok(
        !/U\+[0-9A-F]{4}|\\u\{/.test(error.message),
        `a code point instead of words in ${JSON.stringify(error.message)}`,
      )
    }
  })
})

describe('site names', () => {
  it('parses a bare site name, normalising Unicode', () => {
    assert.deepEqual(parseSiteName('API.Bücher:Code'), {
      subdomains: ['api'],
      name: 'xn--bcher-kva',
      topic: 'code',
      site: 'api.xn--bcher-kva:code',
    })
  })

  it('refuses a scheme, path, query or fragment in a site name', () => {
    for (const input of ['an://a:b', 'a:b/', 'a:b?x', 'a:b#x'])
      refuses(() => parseSiteName(input), 'bad-character')
  })

  it('formats parts into the canonical site name', () => {
    assert.equal(
      formatSiteName({ subdomains: ['api', 'v2'], name: 'mysite', topic: 'code' }),
      'api.v2.mysite:code',
    )
    assert.equal(
      formatSiteName({ subdomains: [], name: 'Bücher', topic: 'CODE' }),
      'xn--bcher-kva:code',
    )
  })

  it('refuses to format a label holding a dot or a colon', () => {
    refuses(() => formatSiteName({ subdomains: [], name: 'a.b', topic: 'c' }), 'bad-character')
    refuses(() => formatSiteName({ subdomains: [], name: 'a', topic: 'b:c' }), 'bad-character')
  })

  it('finds the root site of a subdomain', () => {
    assert.equal(rootSiteName('api.v2.mysite:code'), 'mysite:code')
    assert.equal(rootSiteName('mysite:code'), 'mysite:code')
  })

  it('tells a subdomain from a root site', () => {
    assert.equal(isSubdomain('api.mysite:code'), true)
    assert.equal(isSubdomain('mysite:code'), false)
    refuses(() => isSubdomain('api.mysite'), 'missing-topic')
  })

  it('shows Punycode labels as Unicode for display', () => {
    assert.equal(toUnicodeSiteName('api.xn--bcher-kva:xn--d1alm'), 'api.bücher:код')
    assert.equal(toUnicodeAddress('an://xn--caf-dma:blog/a%20b?q#f'), 'an://café:blog/a%20b?q#f')
    assert.equal(toUnicodeAddress('an://bad name:x'), 'an://bad name:x')
  })

  it('formats an address from a site and a path', () => {
    assert.equal(formatAddress('Bücher:code', 'docs/é'), 'an://xn--bcher-kva:code/docs/%C3%A9')
    assert.equal(formatAddress('mysite:code'), 'an://mysite:code/')
  })

  it('reports errors as InvalidNameError instances with a stable name', () => {
    const error = refuses(() => parseSiteName('nope'), 'missing-topic')
    assert.ok(error instanceof InvalidNameError)
    assert.equal(error.name, 'InvalidNameError')
  })
})

describe('origin labels', () => {
  const EXAMPLES: Array<[site: string, label: string]> = [
    ['mysite:code', 'mysite--code'],
    ['api.mysite:code', 'api-mysite--code'],
    ['my-site:code', 'my---site--code'],
    ['a--b:c', 'a------b--c'],
    ['xn--bcher-kva:code', 'x----n------bcher---kva--code'],
    ['xn:code', 'x----n--code'],
    ['xn-a:b', 'x----n---a--b'],
    ['xn.a:b', 'xn-a--b'],
    ['api.xn--bcher-kva:code', 'api-xn------bcher---kva--code'],
  ]

  for (const [site, label] of EXAMPLES) {
    it(`encodes ${site} as ${label} and back`, () => {
      assert.equal(toOriginLabel(site), label)
      assert.equal(fromOriginLabel(label), site)
    })
  }

  it('encodes the canonical form of the site it is given', () => {
    assert.equal(toOriginLabel('Bücher:Code'), 'x----n------bcher---kva--code')
  })

  it('gives a 63-character origin label and refuses a site whose label would be longer', () => {
    assert.equal(toOriginLabel(`${'a'.repeat(57)}:code`).length, 63)
    refuses(() => toOriginLabel(`${'a'.repeat(58)}:code`), 'origin-label-too-long')
  })

  it('refuses labels that toOriginLabel does not produce', () => {
    const garbage = [
      '',
      'a',
      'a-b',
      '-a--b',
      'a--b-',
      'A--B',
      'Mysite--code',
      'a--b--c',
      'a----b--c',
      'a--b----c',
      'a-----b--c',
      'a-------b--c',
      'xn--code',
      'xn------bcher---kva--code',
      'x----a--b',
      'x----n----code',
      'x-----n--code',
      'x----n------bcher---kvb--code',
      'a.b--c',
      'a_b--c',
      'ü--a',
      'a--b ',
      `${'a'.repeat(61)}--b`,
      '---a--b',
      'a--b---',
      `a${'-'.repeat(58)}b--c`,
    ]
    for (const label of garbage) refuses(() => fromOriginLabel(label), 'bad-origin-label')
    assert.equal(fromOriginLabel(`${'a'.repeat(60)}--b`), `${'a'.repeat(60)}:b`)
    assert.equal(fromOriginLabel(`a${'-'.repeat(57)}b--c`), `a${'-'.repeat(19)}b:c`)
  })

  it('round-trips the origin label of every valid vector', () => {
    for (const v of (vectors as { vectors: Vector[] }).vectors) {
      if (!v.valid || v.originLabel === null) continue
      const site = parseAddress(v.input).site
      assert.equal(toOriginLabel(site), v.originLabel, v.input)
      assert.equal(fromOriginLabel(v.originLabel), site, v.input)
    }
  })

  it('round-trips thousands of random site names and never gives two sites one label', () => {
    const random = prng(0x5eed)
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'
    const unicode = ['ü', 'ß', 'é', 'ж', 'я', '中', '文', 'ש', 'ع', 'क', 'ा']
    const label = (): string => {
      const length = 1 + Math.floor(random() * 8)
      let out = ''
      for (let i = 0; i < length; i++) {
        const r = random()
        const edge = i === 0 || i === length - 1
        if (!edge && r < 0.2) out += '-'.repeat(1 + Math.floor(random() * 3))
        else if (r < 0.3) out += unicode[Math.floor(random() * unicode.length)]
        else if (i === 0 && r < 0.35) out += 'xn'
        else out += letters[Math.floor(random() * letters.length)]
      }
      return out
    }
    const seen = new Map<string, string>()
    let checked = 0
    for (let i = 0; i < 5000; i++) {
      const subdomains = Array.from({ length: Math.floor(random() * 3) }, label)
      let site: string
      try {
        site = formatSiteName({ subdomains, name: label(), topic: label() })
      } catch (error) {
        // A label may start with a combining mark (ा) or be a bogus 'xn--', or the site may be
        // too long for an origin label; nothing else may fail.
        const reason = error instanceof InvalidNameError ? error.reason : ''
        assert.ok(
          ['bad-character', 'bad-punycode', 'origin-label-too-long'].includes(reason),
          String(error),
        )
        continue
      }
      const origin = toOriginLabel(site)
      assert.ok(
        /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(origin) && !origin.startsWith('xn--'),
        origin,
      )
      assert.equal(fromOriginLabel(origin), site)
      const before = seen.get(origin)
      assert.ok(before === undefined || before === site, `${before} and ${site} share ${origin}`)
      seen.set(origin, site)
      checked++
    }
    assert.ok(checked > 3000, `only ${checked} random sites had an origin label`)
  })
})

describe('test vectors', () => {
  const all = (vectors as { vectors: Vector[] }).vectors

  it('has at least 60 vectors, valid and invalid', () => {
    assert.ok(all.length >= 60)
    assert.ok(all.some((v) => v.valid) && all.some((v) => !v.valid))
  })

  for (const v of all) {
    it(`${v.valid ? 'accepts' : `refuses (${v.reason})`} ${JSON.stringify(v.input).slice(0, 60)}`, () => {
      if (!v.valid) {
        assert.equal(v.error, 'InvalidNameError')
        refuses(() => parseAddress(v.input), v.reason!)
        return
      }
      const address = parseAddress(v.input)
      assert.equal(address.href, v.canonical)
      assert.equal(address.name, v.name)
      assert.equal(address.topic, v.topic)
      assert.deepEqual(address.subdomains, v.subdomains)
      assert.equal(address.path, v.path)
      assert.equal(
        parseAddress(address.href).href,
        address.href,
        'the canonical form is a fixed point',
      )
      assert.ok(v.originLabel !== null, 'every valid site has an origin label')
      assert.equal(toOriginLabel(address.site), v.originLabel)
      assert.equal(fromOriginLabel(v.originLabel), address.site)
    })
  }
})

/** A deterministic PRNG (mulberry32), so the property test is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
