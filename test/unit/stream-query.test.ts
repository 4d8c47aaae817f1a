import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPulseError } from '../../lib/errors.ts';
import type { RawMessage } from '../../lib/message.ts';
import { compileStreams, StreamCompiler, type StreamDefinition } from '../../lib/streams/matcher.ts';
import { MaxQueryChars, MaxQueryTerms, parseQuery, StreamQueryError, type QueryNode } from '../../lib/streams/query.ts';
import { analyze, type MessageWords } from '../../lib/streams/text.ts';

/** The AST in a compact, fully parenthesised form, so precedence is visible in one string. */
function show(node: QueryNode): string {
  switch (node.kind) {
    case 'word':
      return node.word;
    case 'hashtag':
      return `#${node.name}`;
    case 'mention':
      return `@${node.name}`;
    case 'phrase':
      return `"${node.words.join(' ')}"`;
    case 'not':
      return `NOT ${show(node.operand)}`;
    case 'and':
    case 'or':
      return `(${node.operands.map(show).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
  }
}

const parsed = (query: string) => show(parseQuery(query));

function syntaxError(query: string): { position: number; message: string } {
  try {
    parseQuery(query);
  } catch (err) {
    assert.ok(err instanceof StreamQueryError, `expected a StreamQueryError, got ${String(err)}`);
    assert.ok(isPulseError(err, 'STREAM_QUERY_INVALID'));
    return err.detail;
  }
  assert.fail(`query ${JSON.stringify(query)} was accepted`);
}

function message(text: string, source = 'twitter'): RawMessage {
  return { id: 'm', ts: '2025-01-01T00:00:00.000Z', receivedAt: '2025-01-01T00:00:00.000Z', source, text };
}

/** Whether one query matches one text, through the real matcher (index included). */
function matches(query: string, text: string): boolean {
  return compileStreams([{ id: 'q', version: 1, query }]).match(message(text)).length === 1;
}

describe('stream query parser', () => {
  it('gives NOT precedence over AND over OR, and adjacent terms an implicit AND', () => {
    assert.equal(parsed('acme outage'), '(acme AND outage)');
    assert.equal(parsed('acme outage'), parsed('acme AND outage'));
    assert.equal(parsed('a OR b c'), '(a OR (b AND c))');
    assert.equal(parsed('a b OR c'), '((a AND b) OR c)');
    assert.equal(parsed('NOT a b'), '(NOT a AND b)');
    assert.equal(parsed('a OR NOT b c'), '(a OR (NOT b AND c))');
    assert.equal(parsed('(a OR b) c'), '((a OR b) AND c)');
    assert.equal(parsed('a AND b AND c OR d'), '((a AND b AND c) OR d)');
    assert.equal(parsed('acme AND (outage OR "down again") AND NOT job'), '(acme AND (outage OR "down again") AND NOT job)');
    assert.equal(parsed('NOT NOT a'), 'NOT NOT a');
  });

  it('reads operators in any case, and their words when quoted', () => {
    assert.equal(parsed('a and b or not c d'), parsed('a AND b OR NOT c d'));
    assert.equal(parsed('a Or b'), '(a OR b)');
    assert.equal(parsed('"not" "and"'), '("not" AND "and")');
  });

  it('negates with a leading -, which inside a term separates words', () => {
    assert.equal(parsed('acme -job'), '(acme AND NOT job)');
    assert.equal(parsed('acme -(job OR hiring) -"for sale"'), '(acme AND NOT (job OR hiring) AND NOT "for sale")');
    assert.equal(parsed('covid-19'), '"covid 19"');
  });

  it('normalises terms as message text is: case, accents, compatibility forms', () => {
    assert.equal(parsed('ACME'), 'acme');
    assert.equal(parsed('Müller'), 'muller');
    assert.equal(parsed('Café'), 'cafe');
    assert.equal(parsed('Straße'), 'strasse');
    assert.equal(parsed('ＡＣＭＥ'), 'acme');
    assert.equal(parsed('"Down  AGAIN!"'), '"down again"');
  });

  it('reads hashtags and mentions as their own kinds', () => {
    assert.equal(parsed('#Acme @AcmeHelp acme'), '(#acme AND @acmehelp AND acme)');
    assert.deepEqual(parseQuery('x #acme'), {
      kind: 'and',
      operands: [{ kind: 'word', word: 'x', position: 0 }, { kind: 'hashtag', name: 'acme', position: 2 }],
    });
    assert.equal(parsed('#東京'), '#東京');
  });

  it('turns a term holding several words into a phrase', () => {
    assert.equal(parsed('acme.com'), '"acme com"');
    assert.equal(parsed("don't"), '"don t"');
    assert.equal(parsed('東京'), '"東 京"');
    // Inside quotes (and in a longer term) # and @ only separate words.
    assert.equal(parsed('"thanks @acme"'), '"thanks acme"');
    assert.equal(parsed("@acme's"), '"acme s"');
  });

  it('keeps Unicode words and emoji whole', () => {
    assert.equal(parsed('नमस्ते'), 'नमस्ते');
    assert.equal(parsed('한국어'), '한국어');
    assert.equal(parsed('😡 acme'), '(😡 AND acme)');
    assert.equal(parsed('👍🏽'), '👍');
  });

  it('takes words that name Object members as words', () => {
    assert.equal(parsed('constructor toString'), '(constructor AND tostring)');
  });
});

describe('stream query errors', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 0, /empty/],
    ['   ', 0, /empty/],
    ['acme AND', 5, /AND needs a term after it/],
    ['acme and', 5, /AND needs a term after it/],
    ['AND acme', 0, /AND needs a term before it/],
    ['acme OR OR b', 5, /OR needs a term after it/],
    ['acme NOT', 5, /NOT needs a term after it/],
    ['(OR a)', 1, /OR needs a term before it/],
    ['(acme', 0, /'\(' is never closed/],
    ['a ((b) c', 2, /'\(' is never closed/],
    ['a (', 2, /'\(' is never closed/],
    ['acme)', 4, /'\)' without a matching '\('/],
    [')', 0, /'\)' without a matching '\('/],
    ['(a) b)', 5, /'\)' without a matching '\('/],
    ['a ()', 2, /empty parentheses/],
    ['acme "down again', 5, /quote is never closed/],
    ['acme ""', 5, /empty phrase/],
    ['acme "?!"', 5, /empty phrase/],
    ['acme !!!', 5, /"!!!" has no letters/],
    ['acme - job', 5, /'-' goes directly before/],
    ['NOT spam', 0, /NOT lets the query match almost every message/],
    ['-spam', 0, /NOT lets the query match almost every message/],
    ['NOT a NOT b', 0, /NOT lets/],
    ['acme OR NOT spam', 8, /NOT lets/],
    ['NOT (a AND b)', 0, /NOT lets/],
    // The first problem from the left wins.
    ['AND "x', 0, /AND needs a term before it/],
    ['"x AND', 0, /quote is never closed/],
  ];
  for (const [query, position, message] of cases) {
    it(`${JSON.stringify(query)} → ${position}`, () => {
      const detail = syntaxError(query);
      assert.equal(detail.position, position, detail.message);
      assert.match(detail.message, message);
    });
  }

  it('refuses a query longer than the limit at the first character past it', () => {
    assert.doesNotThrow(() => parseQuery('a'.repeat(MaxQueryChars)));
    assert.deepEqual(syntaxError('a'.repeat(MaxQueryChars + 1)), { position: MaxQueryChars, message: `query is longer than ${MaxQueryChars} characters` });
  });

  it('refuses more terms than the limit at the first term past it', () => {
    const terms = Array.from({ length: MaxQueryTerms + 1 }, (_, i) => `t${i}`);
    assert.doesNotThrow(() => parseQuery(terms.slice(0, MaxQueryTerms).join(' OR ')));
    const query = terms.join(' OR ');
    assert.deepEqual(syntaxError(query), { position: query.lastIndexOf('t'), message: `too many terms: at most ${MaxQueryTerms}` });
  });

  it('puts the position in the error message too, for logs and CLIs', () => {
    const err = (() => {
      try {
        parseQuery('acme AND');
      } catch (e) {
        return e as StreamQueryError;
      }
    })();
    assert.equal(err?.message, 'AND needs a term after it (at character 5)');
    assert.equal(err?.code, 'STREAM_QUERY_INVALID');
  });
});

describe('stream matching', () => {
  it('matches whole words, whatever the case and surrounding punctuation', () => {
    for (const text of ['ACME is down', 'acme.', "acme's outage", 'see acme.com', '(acme)', '#acme', '@acme', 'acme-corp']) {
      assert.ok(matches('acme', text), text);
    }
    for (const text of ['acmeCorp is down', 'acme_corp', 'acme2', 'megaacme', 'ac me']) {
      assert.ok(!matches('acme', text), text);
    }
  });

  it('matches a hashtag or mention only in its tagged form', () => {
    assert.ok(matches('#acme', 'love #Acme today'));
    assert.ok(!matches('#acme', 'love acme today'));
    assert.ok(!matches('#acme', 'love @acme today'));
    assert.ok(!matches('#acme', 'love #acmeoutage today'));
    assert.ok(matches('@acme', 'thanks @ACME!'));
    assert.ok(!matches('@acme', 'mail bob@acme.com'));
    assert.ok(matches('acme', 'mail bob@acme.com'));
  });

  it('matches a phrase as adjacent words in order', () => {
    assert.ok(matches('"down again"', 'Acme is DOWN, again!'));
    assert.ok(!matches('"down again"', 'again down'));
    assert.ok(!matches('"down again"', 'down and again'));
    assert.ok(matches('"acme outage"', 'the #acme outage'));
    assert.ok(matches('acme.com', 'visit ACME.COM now'));
  });

  it('folds accents, ß and compatibility forms on both sides', () => {
    assert.ok(matches('cafe', 'Best CAFÉ in town'));
    assert.ok(matches('café', 'best cafe in town'));
    assert.ok(matches('Müller', 'MULLER wins'));
    assert.ok(matches('strasse', 'Die Straße ist gesperrt'));
    assert.ok(!matches('strasse', 'Hauptstraße 5'));
    assert.ok(matches('acme', 'ＡＣＭＥ rocks'));
    assert.ok(matches('नमस्ते', 'नमस्ते दुनिया'));
    assert.ok(!matches('नमस्ते', 'नमस दुनिया'));
  });

  it('matches unspaced scripts as character sequences and emoji as words', () => {
    assert.ok(matches('東京', '東京都は晴れ'));
    assert.ok(!matches('東京', '京東'));
    assert.ok(matches('😡', 'acme again😡😡'));
    assert.ok(matches('👍', 'great job 👍🏽'));
    assert.ok(matches('acme 😡', 'acme 😡'));
  });

  it('applies NOT to the words of the message', () => {
    assert.ok(matches('acme -job', 'acme is down'));
    assert.ok(!matches('acme -job', 'acme job opening'));
    assert.ok(matches('acme NOT (job OR hiring)', 'acme outage'));
    assert.ok(!matches('acme NOT (job OR hiring)', 'acme is hiring'));
    assert.ok(matches('acme NOT (job AND hiring)', 'acme is hiring'));
  });

  it('agrees with a direct evaluation of the AST on generated queries and messages', () => {
    // The matcher rewrites negations and skips streams through its index; neither may change an answer.
    const evaluate = (node: QueryNode, w: MessageWords): boolean => {
      switch (node.kind) {
        case 'word':
          return w.keys.has(node.word);
        case 'hashtag':
          return w.keys.has(`#${node.name}`);
        case 'mention':
          return w.keys.has(`@${node.name}`);
        case 'phrase':
          return w.sequence.some((_, i) => node.words.every((x, j) => w.sequence[i + j] === x));
        case 'not':
          return !evaluate(node.operand, w);
        case 'and':
          return node.operands.every((n) => evaluate(n, w));
        case 'or':
          return node.operands.some((n) => evaluate(n, w));
      }
    };
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const atoms = ['a', 'b', 'c', '#a', '@b', '"a b"', '"c a"'];
    const gen = (depth: number): string => {
      const r = random(depth > 2 ? 1 : 5);
      if (r === 0) return atoms[random(atoms.length)]!;
      if (r === 1) return `NOT ${gen(depth + 1)}`;
      if (r === 2) return `(${gen(depth + 1)} OR ${gen(depth + 1)})`;
      if (r === 3) return `(${gen(depth + 1)} ${gen(depth + 1)})`;
      return `-${gen(depth + 1)}`;
    };
    const defs: StreamDefinition[] = [];
    while (defs.length < 60) {
      const query = gen(0);
      try {
        parseQuery(query);
        defs.push({ id: `s${defs.length}`, version: 1, query });
      } catch (err) {
        assert.ok(err instanceof StreamQueryError);
      }
    }
    const matcher = compileStreams(defs);
    const words = ['a', 'b', 'c', '#a', '@b', 'd'];
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: random(6) }, () => words[random(words.length)]!).join(' ') || 'd';
      const w = analyze(text);
      const expected = defs.filter((d) => evaluate(parseQuery(d.query), w)).map((d) => d.id);
      assert.deepEqual(matcher.match(message(text)), expected, text);
    }
  });
});

describe('stream matcher', () => {
  const defs: StreamDefinition[] = [
    { id: 'outage', version: 1, query: 'acme (outage OR down)' },
    { id: 'support', version: 1, query: 'acme OR #acme', sources: ['support', 'email'] },
    { id: 'all-acme', version: 1, query: 'acme' },
  ];

  it('returns the matching ids in definition order, each once', () => {
    const matcher = compileStreams(defs);
    assert.deepEqual(matcher.match(message('acme down, acme outage, #acme', 'support')), ['outage', 'support', 'all-acme']);
    assert.deepEqual(matcher.match(message('nothing here', 'support')), []);
  });

  it('restricts a stream with sources to messages from those sources', () => {
    const matcher = compileStreams(defs);
    assert.deepEqual(matcher.match(message('acme rocks', 'twitter')), ['all-acme']);
    assert.deepEqual(matcher.match(message('acme rocks', 'email')), ['support', 'all-acme']);
    const empty = compileStreams([{ id: 'x', version: 1, query: 'acme', sources: [] }]);
    assert.deepEqual(empty.match(message('acme', 'anything')), ['x']);
  });

  it('recompiles only streams whose version changed', () => {
    const compiler = new StreamCompiler();
    assert.deepEqual(compiler.update(defs).compiled, ['outage', 'support', 'all-acme']);
    assert.deepEqual(compiler.update(defs).compiled, []);
    const changed = defs.map((d) => (d.id === 'support' ? { ...d, version: 2, query: 'acme help' } : d));
    const { matcher, compiled } = compiler.update(changed);
    assert.deepEqual(compiled, ['support']);
    assert.deepEqual(matcher.match(message('acme rocks', 'email')), ['all-acme']);
    assert.deepEqual(matcher.match(message('acme help', 'email')), ['support', 'all-acme']);
  });

  it('takes new sources without a new version, and forgets removed streams', () => {
    const compiler = new StreamCompiler();
    compiler.update(defs);
    const moved = compiler.update(defs.map((d) => (d.id === 'support' ? { ...d, sources: ['twitter'] } : d)));
    assert.deepEqual(moved.compiled, []);
    assert.deepEqual(moved.matcher.match(message('acme', 'twitter')), ['support', 'all-acme']);
    assert.deepEqual(compiler.update([defs[2]!]).matcher.match(message('acme down', 'support')), ['all-acme']);
    // Removed above, so coming back means compiling again.
    assert.deepEqual(compiler.update(defs).compiled, ['outage', 'support']);
  });

  it('leaves out a stream with an invalid query and keeps matching the others', () => {
    const compiler = new StreamCompiler();
    const { matcher, rejected } = compiler.update([...defs, { id: 'broken', version: 3, query: 'acme AND' }]);
    assert.deepEqual(rejected.map((r) => [r.id, r.version, r.error.detail]), [['broken', 3, { position: 5, message: 'AND needs a term after it' }]]);
    assert.deepEqual(matcher.match(message('acme down', 'x')), ['outage', 'all-acme']);
    assert.throws(
      () => compileStreams([{ id: 'broken', version: 1, query: '(acme' }]),
      (err: unknown) => err instanceof StreamQueryError && err.detail.position === 0 && /^stream broken: /.test(err.detail.message),
    );
  });

  it('refuses two streams with one id', () => {
    assert.throws(() => compileStreams([defs[0]!, { ...defs[1]!, id: 'outage' }]), (err: unknown) => isPulseError(err, 'INPUT_INVALID'));
  });

  it('matches nothing without streams', () => {
    assert.deepEqual(compileStreams([]).match(message('acme')), []);
  });
});
