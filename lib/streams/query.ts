/**
 * The keyword-stream query language (README → Stream queries): a tokenizer and a
 * recursive-descent parser from query text to a typed AST.
 *
 *   query   := or
 *   or      := and ( OR and )*
 *   and     := unary ( [AND] unary )*      adjacent terms are ANDed: `acme outage` = `acme AND outage`
 *   unary   := ( NOT | - ) unary | primary  `-` only directly before a term, `(` or `"`
 *   primary := word | #hashtag | @mention | "quoted phrase" | ( or )
 *
 * Precedence NOT > AND > OR; operators are case-insensitive (`and` = `AND`), so the words
 * themselves are searched for in quotes (`"not"`). Words go through the same normalisation as
 * message text (text.ts), so a term holding several words (`acme.com`, `東京`) is a phrase.
 *
 * Every refusal is a StreamQueryError whose `detail` holds a 0-based position (a JavaScript
 * string index into the query, as a text field's selectionStart counts) and a message for the
 * UI to show inline.
 */
import { PulseError } from '../errors.ts';
import { normalize, tokenize, wordsOf } from './text.ts';

export const MaxQueryChars = 1_000;
export const MaxQueryTerms = 100;

export type QueryNode =
  | { kind: 'word'; word: string; position: number }
  | { kind: 'hashtag'; name: string; position: number }
  | { kind: 'mention'; name: string; position: number }
  | { kind: 'phrase'; words: string[]; position: number }
  | { kind: 'not'; operand: QueryNode; position: number }
  | { kind: 'and'; operands: QueryNode[] }
  | { kind: 'or'; operands: QueryNode[] };

/** What the REST layer serialises and the UI shows next to the query. */
export interface QuerySyntaxError {
  position: number;
  message: string;
}

export class StreamQueryError extends PulseError {
  constructor(readonly detail: QuerySyntaxError) {
    super('STREAM_QUERY_INVALID', `${detail.message} (at character ${detail.position})`);
  }
}

type Lexeme =
  | { type: 'and' | 'or' | 'not' | '(' | ')'; text: string; position: number }
  | { type: 'term'; node: Exclude<QueryNode, { kind: 'not' | 'and' | 'or' }>; position: number }
  | { type: 'end'; position: number };

function fail(position: number, message: string): never {
  throw new StreamQueryError({ position, message });
}

// A Map, not an object literal: `constructor` or `toString` are words, not inherited operators.
const operators = new Map<string, 'and' | 'or' | 'not'>([['and', 'and'], ['or', 'or'], ['not', 'not']]);
/** Characters that end a bare term: the query's own syntax. */
const delimiters = /[\s()"]/u;

/** A bare chunk of query text (not quoted) as a term: one word or tag, or a phrase of several words. */
function termOf(chunk: string, position: number): Lexeme {
  const tokens = tokenize(normalize(chunk));
  const [only] = tokens;
  if (tokens.length === 1 && only) {
    if (only.kind === 'word') return { type: 'term', node: { kind: 'word', word: only.text, position }, position };
    return { type: 'term', node: { kind: only.kind, name: only.text, position }, position };
  }
  // Like text inside quotes, a tag within a longer chunk (`@acme's`) stands for its words.
  const words = tokens.flatMap((t) => (t.kind === 'word' ? [t.text] : wordsOf(t.text)));
  if (words.length === 0) {
    return fail(position, chunk === '-' ? "'-' goes directly before the term it excludes: -spam" : `"${chunk}" has no letters, digits or emoji to search for`);
  }
  return { type: 'term', node: { kind: 'phrase', words, position }, position };
}

/** Lexemes one at a time, so that the first problem from the left is the one reported. */
function* lex(query: string): Generator<Lexeme, Lexeme> {
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/u.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      yield { type: c, text: c, position: i++ };
    } else if (c === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) fail(i, 'this quote is never closed');
      const words = wordsOf(normalize(query.slice(i + 1, close)));
      if (words.length === 0) fail(i, 'empty phrase: put words between the quotes');
      yield { type: 'term', node: { kind: 'phrase', words, position: i }, position: i };
      i = close + 1;
    } else if (c === '-' && i + 1 < query.length && !/[\s)]/u.test(query[i + 1]!)) {
      // `-` negates only when glued to what follows; inside a term (`covid-19`) it separates words.
      yield { type: 'not', text: '-', position: i++ };
    } else {
      const start = i;
      while (i < query.length && !delimiters.test(query[i]!)) i++;
      const chunk = query.slice(start, i);
      const op = operators.get(chunk.toLowerCase());
      yield op ? { type: op, text: chunk.toUpperCase(), position: start } : termOf(chunk, start);
    }
  }
  return { type: 'end', position: query.length };
}

class Parser {
  private lookahead: Lexeme | undefined;
  private terms = 0;

  constructor(private readonly lexemes: Generator<Lexeme, Lexeme>) {}

  parse(): QueryNode {
    const node = this.or(null);
    const rest = this.peek();
    if (rest.type === ')') fail(rest.position, "')' without a matching '('");
    return node;
  }

  private peek(): Lexeme {
    // take() never consumes 'end', so the finished generator is not asked again.
    this.lookahead ??= this.lexemes.next().value;
    return this.lookahead;
  }

  private take(): Lexeme {
    const t = this.peek();
    if (t.type !== 'end') this.lookahead = undefined;
    return t;
  }

  /** `opener` is what the first operand follows (an operator or '('), for the error when it is missing. */
  private or(opener: Lexeme | null): QueryNode {
    const operands = [this.and(opener)];
    while (this.peek().type === 'or') {
      const op = this.take();
      operands.push(this.and(op));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private and(opener: Lexeme | null): QueryNode {
    const operands = [this.unary(opener)];
    for (;;) {
      const t = this.peek();
      if (t.type === 'and') operands.push(this.unary(this.take()));
      else if (t.type === 'term' || t.type === 'not' || t.type === '(') operands.push(this.unary(null));
      else break;
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private unary(opener: Lexeme | null): QueryNode {
    const t = this.peek();
    if (t.type === 'not') {
      this.take();
      return { kind: 'not', operand: this.unary(t), position: t.position };
    }
    return this.primary(opener);
  }

  private primary(opener: Lexeme | null): QueryNode {
    const t = this.take();
    if (t.type === 'term') {
      if (++this.terms > MaxQueryTerms) fail(t.position, `too many terms: at most ${MaxQueryTerms}`);
      return t.node;
    }
    if (t.type === '(') {
      const inner = this.or(t);
      const close = this.take();
      if (close.type !== ')') fail(t.position, "this '(' is never closed");
      return inner;
    }
    return this.missingOperand(t, opener);
  }

  /** Names the culprit the way a person reads the query: the operator left without its term. */
  private missingOperand(found: Lexeme, opener: Lexeme | null): never {
    if (opener?.type === '(') {
      if (found.type === ')') fail(opener.position, 'empty parentheses');
      if (found.type === 'end') fail(opener.position, "this '(' is never closed");
    } else if (opener && 'text' in opener) {
      fail(opener.position, `${opener.text} needs a term after it`);
    }
    if (found.type === 'and' || found.type === 'or') fail(found.position, `${found.text} needs a term before it`);
    return fail(found.position, found.type === ')' ? "')' without a matching '('" : 'expected a term here');
  }
}

/** True when a message with no words at all would match: the query excludes instead of selects. */
function matchesNothingness(node: QueryNode): boolean {
  switch (node.kind) {
    case 'not':
      return !matchesNothingness(node.operand);
    case 'and':
      return node.operands.every(matchesNothingness);
    case 'or':
      return node.operands.some(matchesNothingness);
    default:
      return false;
  }
}

/** The NOT that makes a query match word-less messages, to point the user at it. */
function culprit(node: QueryNode): number {
  switch (node.kind) {
    case 'not':
      return node.position;
    case 'and':
      return culprit(node.operands[0]!);
    case 'or':
      return culprit(node.operands.find(matchesNothingness)!);
    default:
      return node.position;
  }
}

/** Parses a stream query; throws StreamQueryError with the position of the first problem. */
export function parseQuery(query: string): QueryNode {
  if (query.length > MaxQueryChars) fail(MaxQueryChars, `query is longer than ${MaxQueryChars} characters`);
  if (query.trim() === '') fail(0, 'query is empty');
  const ast = new Parser(lex(query)).parse();
  // `NOT spam` (or `acme OR NOT spam`) would match nearly every message of every source.
  if (matchesNothingness(ast)) fail(culprit(ast), 'this NOT lets the query match almost every message: require at least one term');
  return ast;
}
