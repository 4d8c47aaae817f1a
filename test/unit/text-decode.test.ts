import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHTML } from 'entities';
import fc from 'fast-check';
import { decodeText } from '../../lib/text/decode.ts';

describe('decodeText', () => {
  it('decodes named and numeric character references', () => {
    assert.equal(decodeText('Fish &amp; chips &lt;3 &gt; &quot;ok&quot; it&#39;s&nbsp;fine'), 'Fish & chips <3 > "ok" it\'s\u00a0fine');
    assert.equal(decodeText('It&#8217;s and it&#x2019;s and it&#X2019;s'), 'It’s and it’s and it’s');
    assert.equal(decodeText('smile &#128512;'), 'smile 😀');
  });

  it('leaves what is not a complete reference alone', () => {
    assert.equal(decodeText('AT&T, R&D; &copy without a semicolon, &unknown; and &#;'), 'AT&T, R&D; &copy without a semicolon, &unknown; and &#;');
  });

  it('decodes literal \\uXXXX escapes, surrogate pairs included', () => {
    assert.equal(decodeText('It\\u2019s great\\u002c really'), 'It’s great, really');
    assert.equal(decodeText('love it \\ud83d\\ude00 \\uD83D\\uDE00'), 'love it 😀 😀');
  });

  it('keeps a lone surrogate escape as written', () => {
    assert.equal(decodeText('half \\ud83d here'), 'half \\ud83d here');
    assert.equal(decodeText('low \\ude00 first \\ude00\\ud83d'), 'low \\ude00 first \\ude00\\ud83d');
    assert.equal(decodeText('cut \\ud83d\\u0041'), 'cut \\ud83dA');
    assert.equal(decodeText('not hex \\u12g4, C:\\users'), 'not hex \\u12g4, C:\\users');
  });

  it('decodes one level only, whichever kind of escape comes first', () => {
    assert.equal(decodeText('&amp;amp;'), '&amp;');
    assert.equal(decodeText('&amp;lt;p&amp;gt;'), '&lt;p&gt;');
    assert.equal(decodeText('\\u0026amp;'), '&amp;');
    assert.equal(decodeText('&#92;u2019'), '\\u2019');
  });

  it('removes the safe formatting tags, a paragraph break leaving one space', () => {
    assert.equal(decodeText('great &amp; fast &lt;p&gt;really&lt;/p&gt;'), 'great & fast really ');
    assert.equal(decodeText('one<br>two<br/>three<br />four<BR>five'), 'one two three four five');
    assert.equal(decodeText('<p class="review">Good</p>\n<p>Cheap</p>'), ' Good Cheap ');
    assert.equal(decodeText('<div>a</div><div>b</div>'), ' a b ');
    assert.equal(decodeText('a <b>bold</b>, <i>odd</i>, <em>loud</em>, <strong>very</strong> <span style="x">claim</span>'), 'a bold, odd, loud, very claim');
  });

  it('leaves every other <…> as text', () => {
    const kept = 'I <3 it, <script>x</script>, <a href="/">link</a>, <pre>, <img src=x>, <blockquote>, a < b > c';
    assert.equal(decodeText(kept), kept);
    assert.equal(decodeText('&lt;script&gt;'), '<script>');
  });

  it('never grows a text, and undoes one level of HTML escaping exactly', () => {
    const fragments = fc.constantFrom('&', 'amp;', '#', '39;', 'x27;', '<', '>', 'p', '/', '\\', 'u', '2019', 'd83d', ' ', '\n', 'word', '😀', 'é');
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.array(fragments).map((f) => f.join('')));
    fc.assert(
      fc.property(text, (t) => {
        assert.ok(decodeText(t).length <= t.length, JSON.stringify(t));
        // A text that holds no escape or tag of its own comes back exactly from its escaped form.
        fc.pre(decodeText(t) === t);
        assert.equal(decodeText(encodeHTML(t)), t);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on a long run of spaces before a `<` that is no tag', () => {
    // A pattern that tried the spaces before each tag from every space on took ~3 s for these.
    const text = `${' '.repeat(9_990)}<q>x`;
    const started = performance.now();
    for (let i = 0; i < 50; i++) assert.equal(decodeText(text), text);
    assert.ok(performance.now() - started < 500, 'fifty 10,000-character texts in well under a second');
  });
});
